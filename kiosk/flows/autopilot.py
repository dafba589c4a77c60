"""Run a flow without a screen: answers come from a dict (the CLI's flags, tests, benchmarks).

Choices are matched by the API's own value (`GOtv.Period2:3`) or, failing that, by label, case
insensitively. A missing or refused answer stops with the valid values listed.
"""

from __future__ import annotations

from collections.abc import Mapping

from kiosk.flows.engine import FlowRun
from kiosk.flows.views import ChooseView, ConfirmView, EnterView, ResultView, StepView


class AnswerNeeded(Exception):
    """The flow needs an answer it was not given, or refused the one it was given."""

    def __init__(self, step_id: str, message: str, choices: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.step_id = step_id
        self.message = message
        self.choices = choices


class NotConfirmed(Exception):
    """The sale reached its confirm step and confirmation was not given."""

    def __init__(self, view: ConfirmView) -> None:
        super().__init__("confirmation needed")
        self.view = view


def _pick(view: ChooseView, answer: str) -> str | None:
    for option in view.options:
        if option.value == answer:
            return option.value
    wanted = answer.casefold()
    for option in view.options:
        if option.label.casefold() == wanted:
            return option.value
    return None


async def run_unattended(
    run: FlowRun, answers: Mapping[str, str], *, confirm: bool = True
) -> ResultView:
    view: StepView = await run.start()
    answered: set[str] = set()
    while not isinstance(view, ResultView):
        step_id = view.step_id
        if getattr(view, "error", None) and step_id in answered:
            choices = tuple(o.value for o in view.options) if isinstance(view, ChooseView) else ()
            raise AnswerNeeded(step_id, view.error or "", choices)
        answered.add(step_id)
        if isinstance(view, ChooseView):
            choices = tuple(option.value for option in view.options if not option.disabled)
            value = _pick(view, answers[step_id]) if step_id in answers else None
            if value is None:
                given = f"{answers[step_id]!r} is not a choice" if step_id in answers else "missing"
                raise AnswerNeeded(step_id, f"{step_id}: {given}; choose one of", choices)
            view = await run.submit(value)
        elif isinstance(view, EnterView):
            text = answers.get(step_id) or view.value
            if not text and not view.optional:
                raise AnswerNeeded(step_id, f"{step_id}: missing ({view.title})")
            view = await run.submit(text or "")
        elif isinstance(view, ConfirmView):
            if not confirm:
                raise NotConfirmed(view)
            view = await run.submit(answers.get(step_id, ""))
        else:
            raise AnswerNeeded(step_id, f"{step_id}: cannot be answered without a screen")
    return view
