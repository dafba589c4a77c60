"""Named sources (where a choose step's options come from) and operations (what a call or
wait step does), so specs refer to them by name, as data. Each service's module registers its
own: ugmart_ops.py, ums_ops.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.api.errors import ApiError

if TYPE_CHECKING:
    from kiosk.flows.engine import FlowRun
    from kiosk.flows.spec import StepSpec
    from kiosk.flows.views import Option

Source = Callable[["FlowRun", "StepSpec"], Awaitable[list["Option"]]]
Operation = Callable[["FlowRun", "StepSpec"], Awaitable[None]]
Retry = Callable[["FlowRun"], Awaitable[None]]


@dataclass(frozen=True)
class FlowConfig:
    """Settings a flow needs that are not answers: UMS ids, waits and poll intervals."""

    ums_account_id: str = ""
    station_id: str = ""
    sender_id: str = "UMS_SMS"
    stk_timeout: float = 90.0
    payment_timeout: float = 180.0
    poll_interval: float = 2.0
    application: str = "Kiosk"
    callback_url: str = "http://127.0.0.1:8787/ugmart/card"


SOURCES: dict[str, Source] = {}
OPERATIONS: dict[str, Operation] = {}
# How a result that is not final is checked again, by the journal row's (service, kind).
RETRIES: dict[tuple[str, str], Retry] = {}


class StepFailed(Exception):
    """A call step failed; the engine shows `message` on `step_id` with the entries kept."""

    def __init__(self, message: str, step_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.step_id = step_id


def error_text(exc: ApiError) -> str:
    return f"{exc.message} — {exc.hint}"
