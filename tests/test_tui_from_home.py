"""Every family sold from the home screen by keys alone (group hotkey, arrows, typing, Enter),
as a counter agent would; the purchase the sandbox received is checked."""

from __future__ import annotations

import pytest

from kiosk.sandbox.app import Sandbox
from kiosk.sandbox.examples import EXAMPLE_SALES, ExampleSale
from kiosk.services import Services
from tests.bench_modules import bench
from tests.test_tui_snapshots_sale import make_app


@pytest.mark.parametrize("sale", EXAMPLE_SALES, ids=[s.name for s in EXAMPLE_SALES])
async def test_family_sold_from_home(
    services: Services, sandbox: Sandbox, sale: ExampleSale
) -> None:
    async with make_app(services, "counter").run_test(size=(100, 32)) as pilot:
        count = await bench("keystrokes").drive(pilot, sale)
    assert count.outcome == "success"
    assert len(sandbox.ugmart.purchases) == 1
    sent = sandbox.ugmart.purchases[0].request
    assert sent["product_code"] == sale.answers.get("product_code", sale.code)
    assert sent["msisdn"] == sale.answers["msisdn"]
    if "amount" in sale.answers:
        assert sent["amount"] == int(sale.answers["amount"])
