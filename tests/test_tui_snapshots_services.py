"""Snapshots of the UMS and payment screens: SMS confirm, hotspot plans, a voucher receipt with
its QR, a cancelled M-Pesa push, and the payout confirm with the registered name."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from kiosk.sandbox.app import Sandbox
from kiosk.services import Services
from kiosk.tui.screens.sale import SaleScreen
from tests.test_tui_snapshots_sale import answer, fixed_clock, make_app, settle

__all__ = ["fixed_clock"]


@pytest.fixture
def sandbox() -> Sandbox:
    fast = Sandbox()
    fast.ums.stk_delay = 0
    return fast


def opening(code: str, *texts: str):
    async def drive(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        services: Services = pilot.app.services  # type: ignore[attr-defined]
        product = next(p for p in services.service_products() if p.code == code)
        await pilot.app.push_screen(SaleScreen(services.new_sale(product)))
        await settle(pilot)
        await answer(pilot, *texts)

    return drive


SCREENS = {
    "sms-confirm": opening("UMS.SMS", "0798765432, 0712345678", "Karibu! Your order is ready."),
    "hotspot-plans": opening("UMS.VOUCHER"),
    "voucher-receipt": opening("UMS.VOUCHER", "1 week", "GHOT", "cash", ""),
    "stk-cancelled": opening("UMS.STK", "0798761032", "50", "REF001", ""),
    "payout-confirm": opening("PAY.PAYOUT", "airtel", "0703560861", "5000", "School fees"),
}


@pytest.mark.parametrize("name", list(SCREENS))
def test_service_screen(snap_compare: Any, services: Services, name: str) -> None:
    assert snap_compare(
        make_app(services, "counter"), terminal_size=(80, 24), run_before=SCREENS[name]
    )
