"""One header line: title, SANDBOX/LIVE badge, mode and (for staff modes) the float."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from kiosk.tui.widgets.float_balance import FloatBalance

MODE_LABELS = {"counter": "Counter", "kiosk": "Self-service", "backoffice": "Back office"}


class KioskHeader(Horizontal):
    DEFAULT_CSS = """
    KioskHeader {
        dock: top;
        height: 1;
        background: $panel;
        #header-title { width: 1fr; padding: 0 1; text-style: bold; color: $foreground; }
        #header-badge { width: auto; padding: 0 1; text-style: bold; color: #ffffff; }
        #header-badge.-sandbox { background: $badge-sandbox; }
        #header-badge.-live { background: $badge-live; }
        #header-mode { width: auto; padding: 0 1; color: $text-muted; }
    }
    """

    def __init__(
        self, title: str, *, sandbox: bool, mode: str, float_threshold: int | None
    ) -> None:
        super().__init__()
        self.heading = title
        self.sandbox = sandbox
        self.mode = mode
        self.float_threshold = float_threshold

    def compose(self) -> ComposeResult:
        yield Static(self.heading, id="header-title")
        badge = "SANDBOX" if self.sandbox else "LIVE"
        yield Static(badge, id="header-badge", classes="-sandbox" if self.sandbox else "-live")
        yield Static(MODE_LABELS.get(self.mode, self.mode), id="header-mode")
        if self.float_threshold is not None:
            yield FloatBalance(self.float_threshold, id="float")
