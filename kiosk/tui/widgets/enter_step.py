"""The enter step: one labelled field, pre-filled, with a hint; the engine judges the text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from kiosk.flows.views import EnterView
from kiosk.tui.widgets.float_balance import money

# What each input kind lets through as it is typed; the engine still validates the whole text.
RESTRICT = {
    "amount": r"[0-9]*",
    "phone": r"\+?[0-9 ]*",
}

PHONE_EXAMPLES = {"UGX": "e.g. 0772 123 456", "KES": "e.g. 0712 345 678"}


def hint_for(view: EnterView) -> str:
    match view.input:
        case "phone":
            hint = PHONE_EXAMPLES.get(view.currency, "Mobile number")
        case "phones":
            hint = "Several numbers, separated by commas or spaces"
        case "amount":
            parts = []
            if view.minimum:
                parts.append(f"at least {money(view.minimum, view.currency)}")
            if view.maximum:
                parts.append(f"at most {money(view.maximum, view.currency)}")
            hint = ", ".join(parts) or f"Amount in {view.currency}"
        case "account":
            hint = "As printed on the customer's card, meter or bill"
        case _:
            hint = f"Up to {view.max_length} characters" if view.max_length else ""
    if view.optional:
        hint = f"{hint} (optional: leave empty to skip)" if hint else "Optional: leave empty"
    return hint


class FieldInput(Input):
    """An Input whose Enter shows in the footer: the one key that moves the sale on."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "submit", "Next")]


class EnterStep(Vertical):
    """Enter submits the text as typed. Posts `EnterStep.Entered`."""

    DEFAULT_CSS = """
    EnterStep {
        height: auto;
        .step-title { text-style: bold; color: $primary; }
        .step-prompt { color: $text-muted; }
        .step-hint { color: $text-muted; padding: 0 1; }
        .step-error { color: $error; text-style: bold; padding: 0 1; }
        #enter-field.-invalid { border: tall $error; }
    }
    """

    @dataclass
    class Entered(Message):
        value: str

    def __init__(self, view: EnterView) -> None:
        super().__init__(classes="step")
        self.view = view

    def compose(self) -> ComposeResult:
        view = self.view
        yield Static(view.title, classes="step-title")
        if view.prompt:
            yield Static(view.prompt, classes="step-prompt")
        field = FieldInput(
            value=view.value,
            placeholder=view.title,
            restrict=RESTRICT.get(view.input),
            max_length=view.max_length or 0,
            id="enter-field",
            classes="-invalid" if view.error else "",
        )
        field.cursor_blink = getattr(self.app, "INPUT_CURSOR_BLINK", True)
        yield field
        if view.error:
            yield Static(view.error, classes="step-error")
        hint = hint_for(view)
        if hint:
            yield Static(hint, classes="step-hint")

    def on_mount(self) -> None:
        self.query_one("#enter-field", Input).focus()

    @on(Input.Submitted, "#enter-field")
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Entered(event.value))
