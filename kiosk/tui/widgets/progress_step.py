"""The progress step: a spinner and what the engine is waiting on (with a countdown and a
payment QR code when the engine gives them)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import LoadingIndicator, Static

from kiosk.flows.views import Progress


def progress_text(progress: Progress) -> str:
    if progress.seconds_left is None:
        return progress.message
    return f"{progress.message}  ({max(0, round(progress.seconds_left))} s left)"


class ProgressStep(Vertical):
    """Shown while a worker runs; `show()` updates it as the engine reports progress."""

    DEFAULT_CSS = """
    ProgressStep {
        height: auto;
        LoadingIndicator { height: 1; color: $accent; }
        #progress-message { text-align: center; width: 100%; color: $foreground; }
        #progress-qr { height: auto; align: center top; margin-top: 1; }
    }
    """

    def __init__(self, progress: Progress | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="step")
        self.progress = progress or Progress("Working…")
        self._qr_data: str | None = None

    def compose(self) -> ComposeResult:
        yield LoadingIndicator()
        yield Static(progress_text(self.progress), id="progress-message")
        yield Horizontal(id="progress-qr")

    def on_mount(self) -> None:
        self.show(self.progress)

    def show(self, progress: Progress) -> None:
        self.progress = progress
        # Progress can arrive before the children are composed; on_mount shows the latest.
        messages = self.query("#progress-message")
        if not messages:
            return
        messages.first(Static).update(progress_text(progress))
        qr = progress.detail.get("qr")
        if qr and qr != self._qr_data:
            self._qr_data = qr
            from kiosk.tui.widgets.qr import QrCode

            holder = self.query_one("#progress-qr", Horizontal)
            holder.remove_children()
            holder.mount(QrCode(qr))
