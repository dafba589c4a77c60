"""The sale screen: drives one FlowRun, showing each step with the widget for its kind.

The engine decides everything (what to ask, prices, guards); this screen only renders the
current view, sends back what was chosen or typed, and runs each engine call in a worker so
the screen stays responsive and input is ignored until the answer comes back.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, Static

from kiosk.api.errors import ApiError
from kiosk.flows.engine import FlowRun, StepFailed
from kiosk.flows.views import (
    ChooseView,
    ConfirmView,
    EnterView,
    Progress,
    ResultView,
    StepView,
)
from kiosk.tui.messages import SaleFinished
from kiosk.tui.widgets.choose_step import ChooseStep
from kiosk.tui.widgets.confirm_step import ConfirmStep
from kiosk.tui.widgets.enter_step import EnterStep
from kiosk.tui.widgets.header import KioskHeader
from kiosk.tui.widgets.progress_step import ProgressStep
from kiosk.tui.widgets.result_step import ResultStep

log = logging.getLogger(__name__)

EngineCall = Callable[[], Awaitable[StepView | None]]


@dataclass
class StepReady(Message):
    view: StepView


@dataclass
class StepError(Message):
    message: str


@dataclass
class ProgressReported(Message):
    progress: Progress


class SaleLeft(Message):
    """The engine has nothing to go back to: the sale screen closes."""


def step_widget(view: StepView, currency: str, draft: str | None = None) -> Widget:
    """The widget for a view's kind; an enter step shows `draft` (what was typed) if given."""
    match view:
        case ChooseView():
            return ChooseStep(view, currency)
        case EnterView():
            return EnterStep(view if draft is None else replace(view, value=draft))
        case ConfirmView():
            return ConfirmStep(view)
        case ResultView():
            return ResultStep(view)


class SaleScreen(Screen[None]):
    CSS_PATH = "../sale.tcss"

    # Enter means "go on" on every step; the footer shows it with the letter that also works.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("enter", "confirm", "Confirm", show=False),
        Binding("y", "confirm", "Confirm", key_display="⏎/Y"),
        Binding("enter", "new_sale", "New sale", show=False),
        Binding("n", "new_sale", "New sale", key_display="⏎/N"),
        Binding("p", "reprint", "Reprint"),
        Binding("r", "retry", "Check again"),
        Binding("enter", "restart", "Try again", show=False),
        Binding("r", "restart", "Try again", key_display="⏎/R"),
    ]

    def __init__(self, run: FlowRun) -> None:
        super().__init__()
        self.run = run
        self.view: StepView | None = None
        self.busy = False
        # What was typed on each enter step, so going back (or a refusal) never loses it.
        self.drafts: dict[str, str] = {}
        self._step: Widget | None = None
        self._progress: ProgressStep | None = None
        run.on_progress = self._report

    def compose(self) -> ComposeResult:
        app = self.app
        yield KioskHeader(
            f"{app.title} · {self.run.spec.title}",
            sandbox=app.services.settings.sandbox,
            mode=app.mode,
            float_threshold=app.settings.low_float_threshold if app.shows_float else None,
        )
        yield Static(self._crumbs(), id="sale-crumbs")
        yield Static("", id="sale-error")
        yield Vertical(id="sale-step")
        yield Footer()

    def on_mount(self) -> None:
        self.set_class(self.app.mode == "kiosk", "-kiosk")
        self._show_error("")
        self._call(self.run.start)

    # -- engine calls, one at a time -------------------------------------------------------

    def _call(self, call: EngineCall) -> None:
        if self.busy:
            return
        if isinstance(self._step, EnterStep) and self.view is not None:
            self.drafts[self.view.step_id] = self._step.query_one(Input).value
        self.busy = True
        self.query_one("#sale-step").disabled = True
        self.refresh_bindings()
        self._drive(call)

    @work(exclusive=True, group="sale")
    async def _drive(self, call: EngineCall) -> None:
        try:
            view = await call()
        except StepFailed as exc:
            self.post_message(StepError(exc.message))
        except ApiError as exc:
            self.post_message(StepError(f"{exc.message} — {exc.hint}"))
        except Exception as exc:
            # Never a traceback at the till; the journal holds whatever reached the server.
            log.exception("sale step failed")
            self.post_message(
                StepError(
                    f"Something went wrong ({type(exc).__name__}). Nothing is lost: any payment "
                    "sent is in the journal. Check it in the back office before selling again."
                )
            )
        else:
            self.post_message(StepReady(view) if view is not None else SaleLeft())

    def _report(self, progress: Progress) -> None:
        self.post_message(ProgressReported(progress))

    def on_progress_reported(self, message: ProgressReported) -> None:
        if not self.busy:
            return
        if self._progress is not None:
            self._progress.show(message.progress)
            return
        if self._step is not None:
            self._step.display = False
        self._progress = ProgressStep(message.progress, id="sale-progress")
        self.query_one("#sale-step").mount(self._progress)

    async def on_step_ready(self, message: StepReady) -> None:
        view = message.view
        self.view = view
        holder = self.query_one("#sale-step")
        await holder.remove_children()
        self._progress = None
        self._step = step_widget(view, self.run.spec.currency, self.drafts.get(view.step_id))
        self._idle()
        await holder.mount(self._step)
        self._show_error("")
        self.query_one("#sale-crumbs", Static).update(self._crumbs())
        if isinstance(view, ResultView):
            self.app.post_message(SaleFinished(view.transaction_id, view.outcome))

    async def on_step_error(self, message: StepError) -> None:
        if self._progress is not None:
            await self._progress.remove()
            self._progress = None
        if self._step is not None:
            self._step.display = True
        hint = "" if self.view is not None else "  Press Enter to try again, Escape to go back."
        self._show_error(message.message + hint)
        self._idle()

    def _show_error(self, text: str) -> None:
        banner = self.query_one("#sale-error", Static)
        banner.update(text)
        banner.display = bool(text)

    def on_sale_left(self) -> None:
        self._idle()
        self.dismiss()

    def _idle(self) -> None:
        self.busy = False
        self.query_one("#sale-step").disabled = False
        self.refresh_bindings()
        if self._step is not None:
            # Disabling the step dropped its focus; give it back to its field or list.
            found = self._step.query("Input, OptionList")
            if found:
                found.first().focus()

    def _crumbs(self) -> str:
        """Flow, product and the answers so far (only those of steps before the current one)."""
        run = self.run
        parts = [run.spec.title]
        if run.product.name != run.spec.title:
            parts.append(run.product.name)
        upto = run.spec.index(self.view.step_id) if self.view is not None else 0
        active = run.active_values(upto)
        for step in run.spec.steps[:upto]:
            if step.kind in ("choose", "enter") and active.get(step.id):
                chosen = run.chosen(step.id)
                parts.append(chosen.label if chosen is not None else active[step.id])
        return " › ".join(parts)

    # -- answers from the step widgets -----------------------------------------------------

    @on(ChooseStep.Chosen)
    def _chosen(self, message: ChooseStep.Chosen) -> None:
        self._call(lambda: self.run.submit(message.value))

    @on(EnterStep.Entered)
    def _entered(self, message: EnterStep.Entered) -> None:
        self._call(lambda: self.run.submit(message.value))

    @on(ConfirmStep.Confirmed)
    def _confirmed(self, message: ConfirmStep.Confirmed) -> None:
        self._call(lambda: self.run.submit(message.method))

    # -- keys ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.busy:
            return False
        view = self.view
        match action:
            case "confirm":
                return isinstance(view, ConfirmView)
            case "new_sale" | "reprint":
                return isinstance(view, ResultView)
            case "retry":
                return isinstance(view, ResultView) and view.can_retry
            case "restart":
                return view is None
        return True

    def action_back(self) -> None:
        self._call(self.run.back)

    def action_confirm(self) -> None:
        if isinstance(self._step, ConfirmStep):
            self._step.confirm()

    def action_new_sale(self) -> None:
        self.dismiss()

    def action_reprint(self) -> None:
        if isinstance(self.view, ResultView):
            from kiosk.tui.screens.receipt import ReceiptScreen

            self.app.push_screen(ReceiptScreen(self.view))

    def action_retry(self) -> None:
        self._call(self.run.retry)

    def action_restart(self) -> None:
        self._show_error("")
        self._call(self.run.start)
