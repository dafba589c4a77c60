"""The Textual app: wiring only. Screens render, the engine decides, the services do the work."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer

from kiosk.api.errors import ApiError
from kiosk.services import Services
from kiosk.settings import Settings
from kiosk.tui.messages import SaleFinished
from kiosk.tui.pin import PinGuard
from kiosk.tui.themes import THEMES_DIR, VARIABLE_DEFAULTS, load_themes, theme_for
from kiosk.tui.widgets.float_balance import FloatState

FALLBACK_THEME = "textual-dark"
FLOAT_GROUP = "float"


class KioskApp(App[None]):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "Kiosk"
    ENABLE_COMMAND_PALETTE = False
    # Inputs of this app's screens read it; snapshot tests turn blinking off.
    INPUT_CURSOR_BLINK = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "request_quit", "Quit", show=False, priority=True)
    ]

    float_state: reactive[FloatState] = reactive(FloatState(loading=True), init=False)

    def __init__(
        self, settings: Settings, services: Services, *, themes_dir: Path = THEMES_DIR
    ) -> None:
        super().__init__()
        self.settings = settings
        self.services = services
        self.mode = settings.mode
        self.pin_guard = PinGuard(settings.operator_pin_hash)
        self.shows_float = self.mode != "kiosk"
        self._idle_timer: Timer | None = None
        themes, self.theme_problems = load_themes(themes_dir)
        for theme in themes:
            self.register_theme(theme)
        wanted = theme_for(self.mode, settings.theme)
        self.theme = wanted if wanted in self.available_themes else FALLBACK_THEME
        self._missing_theme = None if wanted in self.available_themes else wanted

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return VARIABLE_DEFAULTS

    def get_default_screen(self) -> Screen[Any]:
        from kiosk.tui.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        self.add_class(f"-{self.mode}-mode")
        for problem in self.theme_problems:
            self.notify(str(problem), title="Theme", severity="warning", timeout=10)
        if self._missing_theme:
            self.notify(
                f"No theme named {self._missing_theme!r}; using {FALLBACK_THEME}.",
                title="Theme",
                severity="warning",
                timeout=10,
            )
        if self.shows_float:
            self.refresh_float()
        self.reconcile_on_start()
        if self.mode == "kiosk":
            self._idle_timer = self.set_interval(self.settings.idle_timeout, self._idle_timeout)
        if self.mode == "backoffice":
            self.open_office()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown) and not event.is_forwarded:
            self.touch()
        await super().on_event(event)

    def touch(self) -> None:
        """Someone is at the screen: restart the idle countdown."""
        if self._idle_timer is not None:
            self._idle_timer.reset()

    def _busy(self) -> bool:
        return any(worker.is_running and worker.group != FLOAT_GROUP for worker in self.workers)

    def _idle_timeout(self) -> None:
        # A request in flight (a purchase, an STK push being answered) is never cut off: the
        # customer is waiting on it, and cancelling it mid-purchase leaves an unknown outcome.
        if self._busy():
            return
        while len(self.screen_stack) > 1:
            self.pop_screen()
        reset = getattr(self.screen, "reset", None)
        if callable(reset):
            reset()

    @work(exclusive=True, group=FLOAT_GROUP)
    async def refresh_float(self) -> None:
        previous = self.float_state
        self.float_state = FloatState(previous.amount, previous.currency, loading=True)
        try:
            balance = await self.services.ugmart.balance(self.services.account_code)
        except ApiError as exc:
            self.float_state = FloatState(error=exc.message)
            return
        amount = balance.wallet("UGX")
        self.float_state = FloatState(
            amount, error=None if amount is not None else "no UGX wallet on this account"
        )

    @work(exclusive=True, group="reconcile")
    async def reconcile_on_start(self) -> None:
        """Rows a crash or lost answer left unsettled are looked up before the first sale."""
        if not self.services.journal.unresolved():
            return
        try:
            settled = await self.services.reconcile()
        except ApiError as exc:
            self.notify(f"Could not check unsettled sales: {exc.message}", severity="warning")
            return
        still = [s for s in settled if not s.after.final]
        changed = sum(s.changed for s in settled)
        if changed or still:
            self.notify(
                f"{changed} unsettled sale(s) settled; {len(still)} still unknown "
                "(see Back office › queue).",
                title="Reconcile",
                severity="warning" if still else "information",
                timeout=10,
            )

    def on_sale_finished(self, message: SaleFinished) -> None:
        if self.shows_float:
            self.refresh_float()

    def as_operator(self, purpose: str, then: Callable[[], object]) -> None:
        """Run `then` if the operator may: always in staff modes, after the PIN in kiosk mode."""
        if self.mode != "kiosk":
            then()
            return
        if not self.pin_guard.configured:
            self.notify(
                f"{purpose} needs the operator PIN, and none is set. "
                "Set one on this machine with: kiosk set-pin",
                title="Operator only",
                severity="error",
                timeout=8,
            )
            return
        from kiosk.tui.screens.pin import PinScreen

        def done(ok: bool | None) -> None:
            if ok:
                then()

        self.push_screen(PinScreen(self.pin_guard, purpose), done)

    def open_office(self) -> None:
        from kiosk.tui.screens.office import OfficeScreen

        self.push_screen(OfficeScreen())

    def action_back_office(self) -> None:
        self.as_operator("Back office", self.open_office)

    def action_request_quit(self) -> None:
        self.as_operator("Closing the kiosk", self.exit)


def create_app(settings: Settings, services: Services, **kwargs: Any) -> KioskApp:
    return KioskApp(settings, services, **kwargs)
