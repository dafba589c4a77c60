"""Flow specs: the declarative description of a product flow, loaded from TOML and checked.

A spec is data: steps of a few kinds, guards on collected values and product fields, list ids
that depend on earlier choices, and the amount rule. One engine (engine.py) runs every spec.
"""

from __future__ import annotations

import tomllib
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kiosk.api.catalog_models import Product

SPEC_DIR = Path(__file__).with_name("specs")

StepKind = Literal["choose", "enter", "call", "wait", "confirm", "result"]
InputKind = Literal["phone", "phones", "account", "amount", "text", "code"]

# Request-body fields of validate/purchase; every other collected field goes in `details`.
BODY_FIELDS = frozenset({"msisdn", "product_code", "amount"})


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ListIdBy(Strict):
    """A list id chosen by an earlier answer (GOtv: the bouquet picks the period list)."""

    field: str
    map: dict[str, str]


class ChoiceSpec(Strict):
    """A choice written in the spec itself (source = "static"), e.g. how the customer pays."""

    id: str
    label: str
    description: str = ""


class StepSpec(Strict):
    id: str
    kind: StepKind
    title: str = ""
    prompt: str = ""
    when: dict[str, str | list[str]] = Field(default_factory=dict)
    when_product: dict[str, bool | str | list[str]] = Field(default_factory=dict)
    # choose
    source: str | None = None
    list_type: str | None = None
    list_id: str | None = None
    list_id_by: ListIdBy | None = None
    choices: list[ChoiceSpec] = Field(default_factory=list)
    # enter
    input: InputKind | None = None
    default: str = ""
    region: str = "UG"
    phone_format: Literal["national", "international"] = "national"
    optional: bool = False
    max_length: int | None = None
    prefill_from_validation: str | None = None
    # call / wait
    op: str | None = None
    error_step: str | None = None
    send: bool = True

    @model_validator(mode="after")
    def _kind_fields(self) -> StepSpec:
        if self.kind == "choose" and not self.source:
            raise ValueError(f"choose step {self.id!r} needs a source")
        if self.kind == "enter" and not self.input:
            raise ValueError(f"enter step {self.id!r} needs an input kind")
        if self.kind in ("call", "wait") and not self.op:
            raise ValueError(f"{self.kind} step {self.id!r} needs an op")
        return self

    def applies(self, values: dict[str, str], product: Product) -> bool:
        """The step's guards: every `when` on collected values and product fields holds."""
        for name, wanted in self.when.items():
            allowed = wanted if isinstance(wanted, list) else [wanted]
            if values.get(name) not in allowed:
                return False
        for name, wanted in self.when_product.items():
            actual = getattr(product, name, None)
            allowed = wanted if isinstance(wanted, list) else [wanted]
            if actual not in allowed:
                return False
        return True

    def resolve_list_id(self, values: dict[str, str]) -> str | None:
        if self.list_id_by and values.get(self.list_id_by.field) in self.list_id_by.map:
            return self.list_id_by.map[values[self.list_id_by.field]]
        return self.list_id


class MatchSpec(Strict):
    """Which catalog products a flow sells. Codes name a family of the documents."""

    codes: list[str] = Field(default_factory=list)
    types: list[str] = Field(default_factory=list)
    has_price_list: bool | None = None
    fallback: bool = False
    priority: int = 0

    def score(self, product: Product) -> int | None:
        """How specifically this spec matches the product (higher wins), None if it does not."""
        if self.codes:
            if not any(fnmatchcase(product.code, pattern) for pattern in self.codes):
                return None
            return 300 + self.priority
        if self.types:
            if product.type not in self.types:
                return None
            if self.has_price_list is not None and product.has_price_list != self.has_price_list:
                return None
            return 200 + self.priority
        if self.fallback:
            return 100 + self.priority
        return None


class AmountSpec(Strict):
    """The amount rule.

    An entered amount (an `amount` step that ran) is checked against the product's minimum
    `price` and any validation field named in `min_from_validation`. Otherwise the amount is the
    sum of the chosen `items`' prices times the chosen `times` item's price.
    """

    items: list[str] = Field(default_factory=lambda: ["product_code"])
    times: str | None = None
    min_from_validation: list[str] = Field(default_factory=lambda: ["balance"])


class ReceiptSpec(Strict):
    highlight: list[str] = Field(default_factory=list)
    qr: list[str] = Field(default_factory=lambda: ["receipt_number"])
    group_digits: list[str] = Field(default_factory=list)


class FlowSpec(Strict):
    id: str
    title: str
    description: str = ""
    service: Literal["ugmart", "ums"] = "ugmart"
    currency: str = "UGX"
    menu: bool = False
    pay_first: bool = False
    operator_only: bool = False
    match: MatchSpec = Field(default_factory=MatchSpec)
    amount: AmountSpec = Field(default_factory=AmountSpec)
    receipt: ReceiptSpec = Field(default_factory=ReceiptSpec)
    steps: list[StepSpec]

    @model_validator(mode="after")
    def _unique_steps(self) -> FlowSpec:
        ids = [step.id for step in self.steps]
        if len(ids) != len(set(ids)):
            raise ValueError(f"flow {self.id!r} has duplicate step ids")
        if not any(step.kind == "result" for step in self.steps):
            raise ValueError(f"flow {self.id!r} has no result step")
        return self

    def step(self, step_id: str) -> StepSpec:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def index(self, step_id: str) -> int:
        return [step.id for step in self.steps].index(step_id)


class SpecError(Exception):
    """A spec file that does not load; names the file and the problem."""


def _with_payment(data: dict[str, Any], fragment: dict[str, Any]) -> dict[str, Any]:
    """A product flow whose customer may pay first: the confirm step offers the payment
    methods and the fragment's steps run between confirm and purchase, the refund check after."""
    steps = list(data.get("steps", []))
    ops = [step.get("op") for step in steps]
    if "purchase" not in ops:
        raise ValueError("pay_first needs a purchase step")
    at = ops.index("purchase")
    for step in steps:
        if step.get("kind") == "confirm":
            step.setdefault("choices", fragment["confirm_choices"])
    after = at + len(fragment["before_purchase"]) + 1
    steps[at:at] = fragment["before_purchase"]
    steps[after:after] = fragment["after_purchase"]
    return {**data, "steps": steps}


def load_spec(path: Path, fragment: dict[str, Any] | None = None) -> FlowSpec:
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        if data.get("pay_first"):
            data = _with_payment(data, fragment or payment_fragment())
        return FlowSpec.model_validate(data)
    except (OSError, tomllib.TOMLDecodeError, ValidationError, ValueError) as exc:
        raise SpecError(f"{path.name}: {exc}") from exc


@cache
def payment_fragment() -> dict[str, Any]:
    return tomllib.loads((SPEC_DIR / "_payment.toml").read_text(encoding="utf-8"))


@cache
def builtin_specs() -> tuple[FlowSpec, ...]:
    """Every flow file; files whose name starts with `_` are fragments, not flows."""
    paths = sorted(p for p in SPEC_DIR.glob("*.toml") if not p.name.startswith("_"))
    return tuple(load_spec(path) for path in paths)


def spec_for(product: Product, specs: tuple[FlowSpec, ...] | None = None) -> FlowSpec:
    """The most specific Ugmart spec for a product; the generic fallback sells anything else."""
    candidates = [
        (score, spec)
        for spec in (specs or builtin_specs())
        if spec.service == "ugmart" and (score := spec.match.score(product)) is not None
    ]
    if not candidates:
        raise SpecError(f"no flow can sell {product.code!r}: the fallback spec is missing")
    return max(candidates, key=lambda pair: pair[0])[1]


def service_flows(specs: tuple[FlowSpec, ...] | None = None) -> list[tuple[FlowSpec, Product]]:
    """The services menu (UMS, payments) as sellable items: each spec with its product."""
    return [
        (
            spec,
            Product(name=spec.title, code=spec.match.codes[0], type=spec.service.upper(), price=1),
        )
        for spec in specs or builtin_specs()
        if spec.menu and spec.match.codes
    ]
