"""Asks for the operator PIN; dismisses True once the guard accepts it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from kiosk.tui.pin import PinFormatError, PinGuard, Verdict


class PinScreen(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, guard: PinGuard, purpose: str) -> None:
        super().__init__()
        self.guard = guard
        self.purpose = purpose

    def compose(self) -> ComposeResult:
        blink = getattr(self.app, "INPUT_CURSOR_BLINK", True)
        with Vertical(id="pin-box"):
            yield Label("Operator PIN", id="pin-title")
            yield Static(f"{self.purpose} is for staff only.", id="pin-purpose")
            field = Input(
                placeholder="PIN", password=True, restrict=r"\d*", max_length=12, id="pin-input"
            )
            field.cursor_blink = blink
            yield field
            yield Static("", id="pin-error")
        yield Footer()

    def on_mount(self) -> None:
        self._show_lock()

    def _show_lock(self) -> None:
        left = self.guard.locked_for()
        field = self.query_one("#pin-input", Input)
        field.disabled = left > 0
        if left > 0:
            self.query_one("#pin-error", Static).update(
                f"Too many wrong PINs. Try again in {round(left)} s."
            )
            self.set_timer(min(left, 5.0), self._show_lock)
        else:
            field.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            check = self.guard.check(event.value)
        except PinFormatError as exc:
            self.query_one("#pin-error", Static).update(str(exc))
            return
        if check.verdict is Verdict.OK:
            self.dismiss(True)
            return
        event.input.value = ""
        self.query_one("#pin-error", Static).update(check.message)
        if check.verdict is Verdict.LOCKED:
            self._show_lock()

    def action_cancel(self) -> None:
        self.dismiss(False)
