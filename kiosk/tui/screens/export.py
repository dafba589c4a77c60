"""Asks which days of the journal to export, and whether numbers may be written in full;
dismisses the request, or None when the operator cancels."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Footer, Input, Label, Static

from kiosk.office.export import ExportRequest


class ExportScreen(ModalScreen[ExportRequest | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, today: date) -> None:
        super().__init__()
        self.today = today

    def compose(self) -> ComposeResult:
        blink = getattr(self.app, "INPUT_CURSOR_BLINK", True)
        with Vertical(id="export-box", classes="dialog"):
            yield Label("Export the journal to CSV", classes="dialog-title")
            for field_id, label in (("export-from", "From"), ("export-to", "To (included)")):
                yield Label(label)
                field = Input(self.today.isoformat(), placeholder="YYYY-MM-DD", id=field_id)
                field.cursor_blink = blink
                yield field
            yield Checkbox("Full phone and meter numbers (unticked: last 4 digits)")
            yield Button("Export", variant="primary", id="export-go")
            yield Static("", id="export-error")
        yield Footer()

    @on(Input.Submitted)
    @on(Button.Pressed, "#export-go")
    def _submit(self) -> None:
        try:
            request = ExportRequest.parse(
                self.query_one("#export-from", Input).value,
                self.query_one("#export-to", Input).value,
                full=self.query_one(Checkbox).value,
            )
        except ValueError as exc:
            self.query_one("#export-error", Static).update(str(exc))
            return
        self.dismiss(request)

    def action_cancel(self) -> None:
        self.dismiss(None)
