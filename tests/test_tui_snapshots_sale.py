"""Snapshots of every sale step kind, in counter and kiosk modes at 80x24, and the receipt.

Deterministic: fixed transaction ids and clock, no cursor blink, no spinner animation.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from textual.pilot import Pilot

from kiosk.sandbox.app import Sandbox
from kiosk.services import Services
from kiosk.tui.app import KioskApp, create_app
from kiosk.tui.screens.sale import SaleScreen

CONTACT = "0777044237"
Drive = Callable[[Pilot[Any]], Awaitable[None]]


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setattr(
        "kiosk.journal.store._now", lambda: datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
    )


def make_app(services: Services, mode: str) -> KioskApp:
    settings = services.settings.model_copy(update={"mode": mode})
    app = create_app(settings, services)
    app.INPUT_CURSOR_BLINK = False
    app.animation_level = "none"
    return app


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def start(pilot: Pilot[Any], code: str) -> None:
    await settle(pilot)
    services: Services = pilot.app.services  # type: ignore[attr-defined]
    product = next(p for p in await services.ugmart.products() if p.code == code)
    await pilot.app.push_screen(SaleScreen(services.new_sale(product)))
    await settle(pilot)


async def answer(pilot: Pilot[Any], *texts: str) -> None:
    """Type each text and press Enter, waiting for the engine in between."""
    for text in texts:
        await pilot.press(*text, "enter")
        await settle(pilot)


async def choose_step(pilot: Pilot[Any]) -> None:
    await start(pilot, "GOtv")
    await answer(pilot, "bouquet")


async def enter_step(pilot: Pilot[Any]) -> None:
    await start(pilot, "UMEME")
    await answer(pilot, "04230640783", CONTACT)


async def enter_error(pilot: Pilot[Any]) -> None:
    await start(pilot, "UMEME")
    await answer(pilot, "04230640783", "0423064")


async def confirm_step(pilot: Pilot[Any]) -> None:
    await start(pilot, "DSTV.Primary")
    await answer(pilot, "specify", "access bouquet", "yes", "hdpvr", "1 month", "1025628563")
    await answer(pilot, CONTACT)


async def progress_step(pilot: Pilot[Any]) -> None:
    sandbox: Sandbox = pilot.app.services.sandbox  # type: ignore[attr-defined]
    await start(pilot, "UMEME")
    await answer(pilot, "04230640783", CONTACT)
    sandbox.faults.push("latency", path="/api/products/validate", seconds=30)
    await pilot.press(*"1500", "enter")
    screen = pilot.app.screen
    assert isinstance(screen, SaleScreen)
    while screen._progress is None or not screen._progress.is_mounted:
        await pilot.pause(0.01)
    await pilot.pause()


async def result_with_qr(pilot: Pilot[Any]) -> None:
    await start(pilot, "UMEME")
    await answer(pilot, "04230640783", CONTACT, "1500", "")


async def unknown_result(pilot: Pilot[Any]) -> None:
    sandbox: Sandbox = pilot.app.services.sandbox  # type: ignore[attr-defined]
    await start(pilot, "MTN")
    await answer(pilot, "0777044237", "500")
    sandbox.faults.push("drop", path="/api/products/purchase")
    for _ in range(3):
        sandbox.faults.push("503", path="/api/transactions")
    await answer(pilot, "")


STEPS = {
    "choose": choose_step,
    "enter": enter_step,
    "enter-error": enter_error,
    "confirm": confirm_step,
    "progress": progress_step,
    "result-qr": result_with_qr,
    "unknown": unknown_result,
}


@pytest.mark.parametrize("mode", ["counter", "kiosk", "backoffice"])
@pytest.mark.parametrize("name", list(STEPS))
def test_step(snap_compare: Any, services: Services, mode: str, name: str) -> None:
    app = make_app(services, mode)
    assert snap_compare(app, terminal_size=(80, 24), run_before=STEPS[name])


def test_receipt(snap_compare: Any, services: Services) -> None:
    async def reprint(pilot: Pilot[Any]) -> None:
        await result_with_qr(pilot)
        await pilot.press("p")
        await pilot.pause()

    app = make_app(services, "counter")
    assert snap_compare(app, terminal_size=(120, 40), run_before=reprint)
