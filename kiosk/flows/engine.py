"""The one engine that runs every flow spec.

It walks the spec's steps in order, skipping those whose guards do not hold, runs `call`
steps by itself, and stops at each step a person answers (choose, enter, confirm, result).
Entries are kept by step id, so going back and forward again never loses what was typed;
only the answers of steps whose guards hold count towards requests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.api.catalog_models import Product, ProductValidation
from kiosk.api.errors import ApiError
from kiosk.flows import (  # noqa: F401  (the ops modules register their sources and operations)
    fields,
    payment_ops,
    pricing,
    ugmart_ops,
    ums_ops,
)
from kiosk.flows.checkout import Checkout, SaleOutcome
from kiosk.flows.receipt import result_view
from kiosk.flows.registry import (
    OPERATIONS,
    RETRIES,
    SOURCES,
    FlowConfig,
    StepFailed,
    error_text,
)
from kiosk.flows.spec import BODY_FIELDS, FlowSpec, StepSpec
from kiosk.flows.views import (
    ChargeLine,
    ChooseView,
    ConfirmView,
    EnterView,
    FieldError,
    Option,
    Progress,
    Quote,
    ResultView,
    StepView,
)
from kiosk.journal import State

ProgressHook = Callable[[Progress], None]


class FlowRun:
    """One sale in progress: the spec, the product, the answers so far, and where we are."""

    def __init__(
        self,
        spec: FlowSpec,
        product: Product,
        ops: Any,
        checkout: Checkout,
        *,
        on_progress: ProgressHook | None = None,
        ums: Any = None,
        config: FlowConfig | None = None,
    ) -> None:
        self.spec = spec
        self.product = product
        self.ops = ops
        self.checkout = checkout
        self.on_progress = on_progress
        self.ums = ums
        self.config = config or FlowConfig()
        self.quote: Quote | None = None
        self.notes: dict[str, str] = {}
        # Facts a call step learned for the confirm step (a payout recipient's registered name).
        self.facts: dict[str, str] = {}
        self.values: dict[str, str] = {}
        self.options: dict[str, tuple[Option, ...]] = {}
        self.validation: ProductValidation | None = None
        self.outcome: SaleOutcome | None = None
        self.payment: SaleOutcome | None = None
        self.payment_url = ""
        self._history: list[int] = []
        self._errors: dict[str, str] = {}

    # -- navigation ------------------------------------------------------------------------

    @property
    def current(self) -> StepSpec:
        return self.spec.steps[self._history[-1]]

    @property
    def finished(self) -> bool:
        return bool(self._history) and self.current.kind == "result"

    async def start(self) -> StepView:
        self._history.clear()
        return await self._forward_from(0)

    async def submit(self, value: str = "") -> StepView:
        """Answer the current step and move on to the next step a person answers."""
        step = self.current
        index = self._history[-1]
        self._errors.pop(step.id, None)
        if step.kind == "result":
            return self.view()
        if step.kind == "confirm" and step.choices:
            methods = [choice.id for choice in step.choices]
            if value and value not in methods:
                self._errors[step.id] = f"Choose one of: {', '.join(methods)}."
                return self.view()
            self.values[step.id] = value or methods[0]
        if step.kind in ("choose", "enter"):
            try:
                accepted = self._accept(step, value)
            except FieldError as exc:
                self._errors[step.id] = exc.message
                return self.view()
            if self.values.get(step.id) != accepted:
                self.values[step.id] = accepted
                self._forget_validation_after_change(index)
        return await self._forward_from(index + 1)

    async def back(self) -> StepView | None:
        """One step back with the entries kept; None when there is nothing to go back to."""
        if self.finished and (self.outcome is None or self.outcome.state is not State.FAILED):
            return None
        if len(self._history) <= 1:
            return None
        self._history.pop()
        return self.view()

    async def retry(self) -> StepView:
        """A result that is not final, checked again: for a purchase, look the id up and resend
        with the same id only if the server never saw it."""
        if self.outcome is None:
            return self.view()
        entry = self.outcome.entry
        retry = RETRIES.get((entry.service, entry.kind))
        if retry is not None:
            self.progress("Checking the transaction with the server…")
            await retry(self)
        return self.view()

    async def _forward_from(self, index: int) -> StepView:
        steps = self.spec.steps
        while index < len(steps):
            step = steps[index]
            if not step.applies(self.active_values(index), self.product):
                index += 1
                continue
            if step.kind in ("call", "wait"):
                try:
                    await OPERATIONS[step.op or ""](self, step)
                except StepFailed as exc:
                    return self._fail(exc, step)
                index += 1
                continue
            if step.kind == "choose" and step.id not in self.options:
                try:
                    self.progress(f"Loading {step.title.lower() or 'choices'}…")
                    self.options[step.id] = tuple(await SOURCES[step.source or ""](self, step))
                except ApiError as exc:
                    return self._fail(StepFailed(error_text(exc)), step)
            self._history.append(index)
            return self.view()
        raise RuntimeError(f"flow {self.spec.id!r} ran past its last step")

    def _fail(self, exc: StepFailed, step: StepSpec) -> StepView:
        target = exc.step_id or step.error_step
        if target is not None:
            target_index = self.spec.index(target)
            if target_index in self._history:
                while self._history[-1] != target_index:
                    self._history.pop()
        if not self._history:
            raise exc
        self._errors[self.current.id] = exc.message
        return self.view()

    def _forget_validation_after_change(self, index: int) -> None:
        for later in self.spec.steps[index + 1 :]:
            if later.op == "validate":
                self.validation = None
                return

    def progress(
        self, message: str, seconds_left: float | None = None, detail: dict[str, str] | None = None
    ) -> None:
        if self.on_progress is not None:
            self.on_progress(Progress(message, seconds_left, detail or {}))

    # -- answers ---------------------------------------------------------------------------

    def active_values(self, upto: int | None = None) -> dict[str, str]:
        """Answers of the steps (before `upto`) whose guards hold, in step order."""
        active: dict[str, str] = {}
        for step in self.spec.steps[:upto]:
            if step.id in self.values and step.applies(active, self.product):
                active[step.id] = self.values[step.id]
        return active

    def chosen(self, step_id: str) -> Option | None:
        value = self.active_values().get(step_id)
        for option in self.options.get(step_id, ()):
            if option.value == value:
                return option
        return None

    def _accept(self, step: StepSpec, value: str) -> str:
        if step.kind == "choose":
            for option in self.options.get(step.id, ()):
                if option.value == value and not option.disabled:
                    return value
            raise FieldError(f"Pick one of the {len(self.options.get(step.id, ()))} choices.")
        if step.optional and not value.strip():
            return ""
        match step.input:
            case "phone":
                return fields.parse_phone(value, step.region, step.phone_format)
            case "phones":
                numbers, duplicates = fields.parse_phone_list(value, step.region, step.phone_format)
                self.notes[step.id] = (
                    f"{len(duplicates)} duplicate(s) left out: {', '.join(duplicates)}"
                    if duplicates
                    else ""
                )
                return ",".join(numbers)
            case "amount":
                return str(fields.parse_amount(value, self.minimum_amount()))
            case "account":
                return fields.parse_account(value)
            case "code":
                return fields.parse_code(value)
            case _:
                return fields.parse_text(value, step.max_length)

    # -- pricing ---------------------------------------------------------------------------

    def minimum_amount(self) -> int:
        floors: list[float | None] = []
        if self.validation is not None:
            floors = [
                getattr(self.validation, key, None) for key in self.spec.amount.min_from_validation
            ]
        return pricing.minimum_amount(self.product.price, floors)

    def entered_amount(self) -> int | None:
        raw = self.active_values().get("amount")
        return int(raw) if raw else None

    def amount(self) -> int | None:
        """The amount of the sale by the spec's rule, None while it is not known yet."""
        entered = self.entered_amount()
        if entered is not None:
            return entered
        items = [self.chosen(name) for name in self.spec.amount.items]
        prices = [item.price for item in items if item is not None and item.price is not None]
        if not prices:
            return None
        times = self.chosen(self.spec.amount.times) if self.spec.amount.times else None
        multiplier = self._multiplier(times)
        return pricing.priced_amount(prices, multiplier)

    def _multiplier(self, option: Option | None) -> float | None:
        if option is None:
            return None
        return float(option.detail.removeprefix("× ")) if option.detail.startswith("× ") else None

    def tariff(self) -> int:
        return round(self.validation.tariff_charge or 0) if self.validation else 0

    # -- requests --------------------------------------------------------------------------

    def request_fields(self) -> tuple[str, str, dict[str, str]]:
        """msisdn, product code and details, from the answers whose steps are active."""
        active = self.active_values()
        sendable = {
            step.id
            for step in self.spec.steps
            if step.send and step.kind in ("choose", "enter") and step.id in active
        }
        details = {
            name: value
            for name, value in active.items()
            if name in sendable and name not in BODY_FIELDS and value
        }
        product_code = active.get("product_code") or self.product.code
        return active.get("msisdn", ""), product_code, details

    def description(self) -> str:
        typed = self.active_values().get("description")
        item = self.chosen("product_code")
        return typed or (item.label if item is not None else self.product.name)

    # -- views -----------------------------------------------------------------------------

    def view(self) -> StepView:
        step = self.current
        error = self._errors.get(step.id)
        title = step.title or self.spec.title
        if step.kind == "choose":
            return ChooseView(
                step_id=step.id,
                title=title,
                prompt=step.prompt,
                options=self.options.get(step.id, ()),
                selected=self.values.get(step.id),
                error=error,
                priced=step.id != self.spec.amount.times,
            )
        if step.kind == "enter":
            return self._enter_view(step, title, error)
        if step.kind == "confirm":
            return self._confirm_view(step, title, error)
        if step.kind == "result":
            return self._result_view(step)
        raise RuntimeError(f"step kind {step.kind!r} is not shown")

    def _enter_view(self, step: StepSpec, title: str, error: str | None) -> EnterView:
        value = self.values.get(step.id, step.default)
        if not value and step.prefill_from_validation and self.validation is not None:
            prefill = getattr(self.validation, step.prefill_from_validation, None)
            value = f"{prefill:.0f}" if isinstance(prefill, int | float) and prefill > 0 else ""
        return EnterView(
            step_id=step.id,
            title=title,
            prompt=step.prompt,
            input=step.input or "text",
            value=value,
            minimum=self.minimum_amount() if step.input == "amount" else None,
            max_length=step.max_length,
            optional=step.optional,
            error=error,
            currency=self.spec.currency,
        )

    def _confirm_view(self, step: StepSpec, title: str, error: str | None) -> ConfirmView:
        if self.quote is not None:
            quote = self.quote
            return ConfirmView(
                step_id=step.id,
                title=title,
                product=self.spec.title,
                account=quote.account,
                lines=quote.lines,
                amount=quote.amount,
                tariff=0,
                total=quote.amount,
                facts=quote.facts,
                error=error,
                currency=quote.currency,
            )
        amount = self.amount() or 0
        tariff = self.tariff()
        lines: list[ChargeLine] = []
        if self.entered_amount() is not None:
            lines.append(ChargeLine(self.description(), amount))
        else:
            for name in self.spec.amount.items:
                item = self.chosen(name)
                if item is not None:
                    lines.append(ChargeLine(item.label, item.price))
            times = self.chosen(self.spec.amount.times) if self.spec.amount.times else None
            if times is not None:
                lines.append(ChargeLine(times.label, None, times.detail))
        facts = [("Product", self.product.name)]
        msisdn, _, details = self.request_fields()
        msisdn = msisdn or self.active_values().get("pay_msisdn", "")
        facts.append(("Account", msisdn))
        facts.extend(self.facts.items())
        if "contact_phone" in details:
            facts.append(("Contact phone", details["contact_phone"]))
        validation = self.validation
        if validation is not None:
            if validation.customer_name:
                facts.append(("Customer", validation.customer_name))
            if validation.balance:
                facts.append(("Balance / arrears", f"{validation.balance:,.0f}"))
            if validation.due_amount:
                due = f"{validation.due_amount:,.0f}"
                facts.append(
                    (
                        "Amount due",
                        f"{due} by {validation.due_date}" if validation.due_date else due,
                    )
                )
        return ConfirmView(
            step_id=step.id,
            title=title,
            product=self.description(),
            account=msisdn,
            lines=tuple(lines),
            amount=amount,
            tariff=tariff,
            total=pricing.total_charge(amount, tariff),
            facts=tuple(facts),
            error=error,
            currency=self.spec.currency,
            methods=tuple(Option(c.id, c.label) for c in step.choices),
        )

    def _result_view(self, step: StepSpec) -> ResultView:
        if self.outcome is None:
            raise RuntimeError("result shown before any outcome")
        return result_view(step.id, self.spec, self.outcome)


async def _static(run: FlowRun, step: StepSpec) -> list[Option]:
    return [Option(choice.id, choice.label, None, choice.description) for choice in step.choices]


SOURCES["static"] = _static
