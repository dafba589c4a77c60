"""A receipt shown again (reprint): the same result widget as the sale, over the current screen."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from kiosk.flows.views import ResultView
from kiosk.tui.widgets.result_step import ResultStep


class ReceiptScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    ReceiptScreen {
        align: center middle;
        #receipt-box {
            width: 90%;
            max-width: 100;
            height: 90%;
            border: thick $primary;
            background: $surface;
            padding: 0 1;
        }
        #receipt-title { text-style: bold; color: $primary; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("enter", "close", "Close", show=False),
        Binding("p", "close", "Close", show=False),
    ]

    def __init__(self, view: ResultView) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        with Vertical(id="receipt-box"):
            yield Static(f"Receipt · {self.view.title}", id="receipt-title")
            yield ResultStep(self.view)
        yield Footer()

    def action_close(self) -> None:
        self.dismiss()
