"""What the engine shows for its current step: plain dataclasses a screen renders.

Screens pick a widget by view type (never by product) and send back what the user chose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


class FieldError(ValueError):
    """An entry the engine refused; the message says what to type instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    price: float | None = None
    detail: str = ""
    disabled: bool = False


@dataclass(frozen=True)
class ChooseView:
    step_id: str
    title: str
    prompt: str
    options: tuple[Option, ...]
    selected: str | None = None
    error: str | None = None
    priced: bool = False


@dataclass(frozen=True)
class EnterView:
    step_id: str
    title: str
    prompt: str
    input: str
    value: str = ""
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    optional: bool = False
    error: str | None = None
    currency: str = "UGX"


@dataclass(frozen=True)
class ChargeLine:
    label: str
    amount: float | None = None
    note: str = ""


@dataclass(frozen=True)
class ConfirmView:
    step_id: str
    title: str
    product: str
    account: str
    lines: tuple[ChargeLine, ...]
    amount: int
    tariff: int
    total: int
    facts: tuple[tuple[str, str], ...] = ()
    error: str | None = None
    currency: str = "UGX"
    methods: tuple[Option, ...] = ()


Outcome = Literal["success", "failed", "unknown", "pending"]


@dataclass(frozen=True)
class ResultView:
    step_id: str
    title: str
    outcome: Outcome
    message: str
    transaction_id: str
    lines: tuple[tuple[str, str], ...] = ()
    highlight: tuple[tuple[str, str], ...] = ()
    qr: str | None = None
    hint: str = ""
    can_retry: bool = False
    currency: str = "UGX"


StepView = ChooseView | EnterView | ConfirmView | ResultView


@dataclass
class Progress:
    """What the engine is waiting on, for a spinner or a countdown."""

    message: str
    seconds_left: float | None = None
    detail: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Quote:
    """What a call step priced for the confirm step, when the price is not a catalog rule."""

    account: str
    lines: tuple[ChargeLine, ...]
    amount: int
    currency: str
    facts: tuple[tuple[str, str], ...] = ()
