"""UMS and payment services in the app: the same generic step screens, driven by keys from the
services menu, against the in-process sandbox (what the sandbox received is checked)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from kiosk.journal import State
from kiosk.sandbox.app import Sandbox
from kiosk.services import Services
from kiosk.tui.screens.sale import SaleScreen
from kiosk.tui.widgets.choose_step import ChooseStep
from kiosk.tui.widgets.confirm_step import ConfirmStep
from kiosk.tui.widgets.enter_step import EnterStep
from kiosk.tui.widgets.qr import QrCode
from kiosk.tui.widgets.result_step import ResultStep
from tests.test_tui_snapshots_sale import answer, make_app, settle

SIZE = (100, 32)


@pytest.fixture
def sandbox() -> Sandbox:
    fast = Sandbox()
    fast.ums.stk_delay = 0
    fast.ums.delivery_delay = 0
    fast.ugmart.collection_delay = 0
    return fast


def step(pilot: Pilot[Any]) -> Any:
    screen = pilot.app.screen
    assert isinstance(screen, SaleScreen), screen
    return screen._step


async def service(pilot: Pilot[Any], code: str, **config: Any) -> SaleScreen:
    import dataclasses

    await settle(pilot)
    services: Services = pilot.app.services  # type: ignore[attr-defined]
    product = next(p for p in services.service_products() if p.code == code)
    run = services.new_sale(product)
    run.config = dataclasses.replace(run.config, poll_interval=0.02, **config)
    screen = SaleScreen(run)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


async def test_sms_from_the_services_menu(services: Services, sandbox: Sandbox) -> None:
    async with make_app(services, "counter").run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s", *"send sms")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(step(pilot), EnterStep)
        await answer(pilot, "0798765432, 0712345678, 0798765432", "Karibu sana")
        confirm = step(pilot)
        assert isinstance(confirm, ConfirmStep)
        facts = dict(confirm.view.facts)
        assert "duplicate" in facts["Duplicates"] and confirm.view.amount == 2
        await answer(pilot, "")
        assert isinstance(step(pilot), ResultStep) and step(pilot).view.outcome == "success"
    assert sorted(r.phone for r in sandbox.ums.sms.values()) == ["0712345678", "0798765432"]


async def test_sms_over_the_credit_is_refused_on_screen(
    services: Services, sandbox: Sandbox
) -> None:
    sandbox.ums.sms_credit = 1
    async with make_app(services, "counter").run_test(size=SIZE) as pilot:
        await service(pilot, "UMS.SMS")
        await answer(pilot, "0798765432, 0712345678", "Hi")
        current = step(pilot)
        assert isinstance(current, EnterStep) and current.view.step_id == "recipients"
        assert "needs 2 SMS credits" in (current.view.error or "")
    assert sandbox.ums.sms == {}


@pytest.mark.parametrize(
    ("phone", "outcome", "word"),
    [
        ("0798761032", "failed", "cancelled"),
        ("0798769999", "pending", "no answer"),
    ],
)
async def test_stk_push_cancelled_or_unanswered(
    services: Services, phone: str, outcome: str, word: str
) -> None:
    async with make_app(services, "counter").run_test(size=SIZE) as pilot:
        await service(pilot, "UMS.STK", stk_timeout=0.3)
        await answer(pilot, phone, "10", "", "")
        result = step(pilot)
        assert isinstance(result, ResultStep)
        assert result.view.outcome == outcome
        assert word in result.view.message.lower()
        if outcome == "pending":
            assert result.view.can_retry
            await pilot.press("r")
            await settle(pilot)
            assert step(pilot).view.outcome == "pending"


async def test_voucher_paid_by_mpesa_registers_after_payment(
    services: Services, sandbox: Sandbox
) -> None:
    async with make_app(services, "counter").run_test(size=SIZE) as pilot:
        await service(pilot, "UMS.VOUCHER")
        assert isinstance(step(pilot), ChooseStep)
        await answer(pilot, "24 hours", "", "m-pesa", "0798765432", "")
        result = step(pilot)
        assert isinstance(result, ResultStep) and result.view.outcome == "success"
        voucher = dict(result.view.highlight)["Voucher"]
        assert result.query(QrCode)
    assert voucher in {v.code for v in sandbox.ums.vouchers.values()}


async def test_pay_first_by_mobile_money_from_the_confirm_step(
    services: Services, sandbox: Sandbox
) -> None:
    async with make_app(services, "counter").run_test(size=SIZE) as pilot:
        await settle(pilot)
        product = next(p for p in await services.ugmart.products() if p.code == "MTN")
        await pilot.app.push_screen(SaleScreen(services.new_sale(product)))
        await settle(pilot)
        await answer(pilot, "0777044237", "2000")
        assert isinstance(step(pilot), ConfirmStep)
        await pilot.press("down", "enter")
        await settle(pilot)
        await answer(pilot, "airtel", "0701345672")
        result = step(pilot)
        assert isinstance(result, ResultStep) and result.view.outcome == "success"
    purchase = services.journal.get(result.view.transaction_id)
    assert purchase is not None and purchase.parent_id is not None
    payment = services.journal.get(purchase.parent_id)
    assert payment is not None and payment.kind == "collection" and payment.state is State.SUCCESS


async def test_payout_shows_the_registered_name_on_confirm(
    services: Services, sandbox: Sandbox
) -> None:
    async with make_app(services, "counter").run_test(size=SIZE) as pilot:
        await service(pilot, "PAY.PAYOUT")
        await answer(pilot, "airtel", "0703560861", "5000", "School fees")
        confirm = step(pilot)
        assert isinstance(confirm, ConfirmStep)
        assert ("Registered name", "SEKAMANYA GILBERT") in confirm.view.facts
        assert not [t for t in sandbox.ugmart.transactions if t["type"] == "PAYOUT"]
        await answer(pilot, "")
        assert step(pilot).view.outcome == "success"
    assert [t["amount"] for t in sandbox.ugmart.transactions if t["type"] == "PAYOUT"] == [5000]


async def test_payout_needs_the_operator_pin_in_kiosk_mode(services: Services) -> None:
    async with make_app(services, "kiosk").run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s", *"send money")
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, SaleScreen)


@pytest.mark.parametrize(("payer", "word"), [("0700000001", "funds"), ("0700000002", "cancel")])
async def test_collection_failed_or_cancelled_on_screen(
    services: Services, sandbox: Sandbox, payer: str, word: str
) -> None:
    async with make_app(services, "counter").run_test(size=SIZE) as pilot:
        await service(pilot, "PAY.COLLECT")
        await answer(pilot, "airtel", payer, "20000", "", "")
        result = step(pilot)
        assert isinstance(result, ResultStep) and result.view.outcome == "failed"
        assert word in result.view.message.lower()


@pytest.mark.parametrize("callback", [True, False], ids=["callback", "callback-lost"])
async def test_card_payment_shows_a_qr_and_completes(
    services: Services, sandbox: Sandbox, callback: bool
) -> None:
    import asyncio

    from kiosk.webhook import apply_card

    qr_seen = asyncio.Event()

    async def customer_pays() -> None:
        await qr_seen.wait()
        row = next(e for e in services.journal.entries(kinds=["card"]) if e.response)
        if callback:
            apply_card(
                services.journal, {"status": "SUCCESS", "data[transaction_id]": row.transaction_id}
            )
        sandbox.ugmart.settle_card(row.transaction_id, "SUCCESS")

    async with make_app(services, "counter").run_test(size=SIZE) as pilot:
        await service(pilot, "PAY.CARD", payment_timeout=5)
        await answer(pilot, "25000", "0777044237", "")
        payer = asyncio.create_task(customer_pays())
        await pilot.press("enter")
        screen = pilot.app.screen
        assert isinstance(screen, SaleScreen)
        shown: list[str] = []
        for _ in range(300):
            shown = [qr.data for qr in screen.query(QrCode)]
            if shown:
                break
            await pilot.pause(0.01)
        assert len(shown) == 1 and "/visa-payment/" in shown[0], shown
        qr_seen.set()
        await asyncio.wait_for(payer, 5)
        await settle(pilot)
        result = step(pilot)
        assert isinstance(result, ResultStep) and result.view.outcome == "success"


async def test_refund_paid_from_the_queue(services: Services, sandbox: Sandbox) -> None:
    from tests.test_flows_payments import momo, sell

    sandbox.ugmart.set_balance(services.account_code, "UGX", 0)
    run, _ = await sell(services, momo("0701345672"))
    owed = run.payment.entry.transaction_id
    sandbox.ugmart.set_balance(services.account_code, "UGX", 100_000)
    async with make_app(services, "backoffice").run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
    assert services.journal.get(owed).state is State.REFUNDED
    payouts = [t for t in sandbox.ugmart.transactions if t["type"] == "PAYOUT"]
    assert [(p["msisdn"], p["amount"]) for p in payouts] == [("256701345672", 1000)]
