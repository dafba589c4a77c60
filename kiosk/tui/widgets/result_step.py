"""The result step (and the reprinted receipt): outcome, receipt lines, highlighted values
such as an electricity token, and a QR code to take away."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from kiosk.flows.views import ResultView

HEADLINES = {
    "success": "✔ Done",
    "failed": "✘ Failed",
    "unknown": "? Outcome not known yet",
    "pending": "… Still processing",
}


def lines_table(view: ResultView) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim", no_wrap=True)
    table.add_column()
    for key, value in view.lines:
        table.add_row(key, value)
    return table


def highlight_text(view: ResultView) -> Text:
    text = Text()
    for index, (key, value) in enumerate(view.highlight):
        if index:
            text.append("\n")
        text.append(f"{key}  ", style="dim")
        text.append(value, style="bold")
    return text


class ResultStep(Vertical):
    """Read-only: the screen owns the keys (new sale, reprint, check again)."""

    DEFAULT_CSS = """
    ResultStep {
        height: 1fr;
        #result-headline { text-style: bold; padding: 0 1; width: 100%; }
        &.-success #result-headline { background: $success; color: $background; }
        &.-failed #result-headline { background: $error; color: $background; }
        &.-unknown #result-headline, &.-pending #result-headline {
            background: $warning; color: $background;
        }
        #result-body { height: 1fr; }
        #result-details { width: 1fr; height: 1fr; }
        #result-highlight {
            text-style: bold; color: $accent; background: $boost;
            padding: 0 1; margin: 1 0 0 0; width: 100%;
        }
        #result-lines { margin-top: 1; }
        #result-qr { margin: 1 0 0 1; }
        #result-hint { color: $warning; text-style: bold; padding: 0 1; }
        &.-success #result-hint { color: $text-muted; text-style: none; }
    }
    """

    def __init__(self, view: ResultView) -> None:
        super().__init__(classes=f"step -{view.outcome}")
        self.view = view

    def compose(self) -> ComposeResult:
        view = self.view
        headline = HEADLINES.get(view.outcome, view.outcome)
        yield Static(f"{headline}: {view.message}", id="result-headline")
        with Horizontal(id="result-body"):
            with VerticalScroll(id="result-details"):
                if view.highlight:
                    yield Static(highlight_text(view), id="result-highlight")
                yield Static(lines_table(view), id="result-lines")
            if view.qr:
                from kiosk.tui.widgets.qr import QrCode

                yield QrCode(view.qr, id="result-qr")
        if view.hint:
            yield Static(view.hint, id="result-hint")
