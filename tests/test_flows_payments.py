"""Customer pays first: mobile money or card must be COMPLETE before the purchase is sent; a
payment whose purchase fails goes to the refund queue and is paid back."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from kiosk.flows.autopilot import AnswerNeeded, NotConfirmed, run_unattended
from kiosk.flows.payment_ops import refund
from kiosk.journal import State
from kiosk.sandbox.app import Sandbox
from kiosk.services import Services
from kiosk.webhook import apply_card

AIRTIME = {"msisdn": "0777044237", "amount": "1000"}


@pytest.fixture
def sandbox() -> Sandbox:
    fast = Sandbox()
    fast.ugmart.collection_delay = 0
    return fast


async def sell(services: Services, answers: dict[str, str], timeout: float = 5.0):
    product = next(p for p in await services.ugmart.products() if p.code == "MTN")
    run = services.new_sale(product)
    run.config = dataclasses.replace(run.config, poll_interval=0.02, payment_timeout=timeout)
    return run, await run_unattended(run, answers)


def momo(payer: str) -> dict[str, str]:
    return {**AIRTIME, "confirm": "momo", "pay_provider": "airtel_money", "pay_msisdn": payer}


async def test_mobile_money_complete_then_purchase(services: Services, sandbox: Sandbox) -> None:
    run, result = await sell(services, momo("0701345672"))
    assert result.outcome == "success", result.message
    assert run.payment is not None and run.payment.state is State.SUCCESS
    purchase = services.journal.get(result.transaction_id)
    assert purchase is not None and purchase.parent_id == run.payment.entry.transaction_id
    assert sandbox.ugmart.charges_for(result.transaction_id) == 1
    collection = next(
        t
        for t in sandbox.ugmart.transactions
        if t["type"] == "COLLECTION" and t["transaction_id"] == run.payment.entry.transaction_id
    )
    assert collection["msisdn"] == "256701345672" and collection["amount"] == 1000


@pytest.mark.parametrize(("payer", "word"), [("0700000001", "funds"), ("0700000002", "cancel")])
async def test_failed_or_cancelled_payment_buys_nothing(
    services: Services, sandbox: Sandbox, payer: str, word: str
) -> None:
    _, result = await sell(services, momo(payer))
    assert result.outcome == "failed"
    assert word in result.message.lower()
    assert sandbox.ugmart.purchases == []


async def test_purchase_failing_after_payment_queues_and_pays_a_refund(
    services: Services, sandbox: Sandbox
) -> None:
    sandbox.ugmart.set_balance(services.account_code, "UGX", 0)
    run, result = await sell(services, momo("0701345672"))
    assert result.outcome == "failed"
    assert "refund queue" in result.message
    payment = services.journal.get(run.payment.entry.transaction_id)
    assert payment is not None and payment.state is State.AWAIT_REFUND
    assert payment in services.journal.unresolved()

    sandbox.ugmart.set_balance(services.account_code, "UGX", 100_000)
    refunded = await refund(
        services.ugmart, services.journal, services.account_code, payment, "JANE DOE"
    )
    assert refunded.state is State.REFUNDED
    payout = services.journal.children(payment.transaction_id)
    assert [(r.kind, r.state) for r in payout if r.kind == "payout"] == [("payout", State.SUCCESS)]
    assert services.journal.unresolved() == []


async def test_card_payment_completed_by_callback(services: Services, sandbox: Sandbox) -> None:
    async def pay_when_asked() -> None:
        while True:
            rows = [e for e in services.journal.entries(kinds=["card"]) if e.response]
            if rows:
                apply_card(
                    services.journal,
                    {"status": "SUCCESS", "data[transaction_id]": rows[0].transaction_id},
                )
                sandbox.ugmart.settle_card(rows[0].transaction_id, "SUCCESS")
                return
            await asyncio.sleep(0.01)

    payer = asyncio.create_task(pay_when_asked())
    run, result = await sell(services, {**AIRTIME, "confirm": "card"})
    await asyncio.wait_for(payer, 5)
    assert result.outcome == "success", result.message
    assert run.payment_url.endswith(run.payment.entry.transaction_id)


async def test_card_payment_found_by_polling_when_the_callback_is_lost(
    services: Services, sandbox: Sandbox
) -> None:
    async def pay_without_callback() -> None:
        while not (rows := [e for e in services.journal.entries(kinds=["card"]) if e.response]):
            await asyncio.sleep(0.01)
        sandbox.ugmart.settle_card(rows[0].transaction_id, "SUCCESS")

    payer = asyncio.create_task(pay_without_callback())
    _, result = await sell(services, {**AIRTIME, "confirm": "card"})
    await asyncio.wait_for(payer, 5)
    assert result.outcome == "success", result.message


async def test_float_stays_the_default(services: Services, sandbox: Sandbox) -> None:
    run, result = await sell(services, AIRTIME)
    assert result.outcome == "success"
    assert run.payment is None
    assert [t["type"] for t in sandbox.ugmart.transactions].count("COLLECTION") == 2


async def service(services: Services, code: str, answers: dict[str, str]):
    product = next(p for p in services.service_products() if p.code == code)
    run = services.new_sale(product)
    run.config = dataclasses.replace(run.config, poll_interval=0.02, payment_timeout=5)
    return run, await run_unattended(run, answers)


async def test_payout_shows_the_registered_name_before_money_moves(
    services: Services, sandbox: Sandbox
) -> None:
    product = next(p for p in services.service_products() if p.code == "PAY.PAYOUT")
    run = services.new_sale(product)
    answers = {
        "pay_provider": "airtel_money",
        "pay_msisdn": "0703560861",
        "amount": "5000",
        "description": "School fees",
    }
    with pytest.raises(NotConfirmed) as pending:
        await run_unattended(run, answers, confirm=False)
    assert ("Registered name", "SEKAMANYA GILBERT") in pending.value.view.facts
    assert not [t for t in sandbox.ugmart.transactions if t["type"] == "PAYOUT"]
    result = await run.submit("")
    assert result.outcome == "success"
    assert dict(result.highlight)["Recipient"] == "SEKAMANYA GILBERT"
    payout = next(t for t in sandbox.ugmart.transactions if t["type"] == "PAYOUT")
    assert payout["amount"] == 5000 and payout["msisdn"] == "256703560861"


async def test_payout_refused_when_the_float_is_short(services: Services, sandbox: Sandbox) -> None:
    sandbox.ugmart.set_balance(services.account_code, "UGX", 100)
    with pytest.raises(AnswerNeeded) as caught:
        await service(
            services,
            "PAY.PAYOUT",
            {"pay_provider": "airtel_money", "pay_msisdn": "0703560861", "amount": "5000"},
        )
    assert caught.value.step_id == "amount" and "float" in caught.value.message


async def test_collection_flow_complete(services: Services, sandbox: Sandbox) -> None:
    _, result = await service(
        services,
        "PAY.COLLECT",
        {"pay_provider": "mtn_mobile_money", "pay_msisdn": "0772123456", "amount": "20000"},
    )
    assert result.outcome == "success", result.message
    assert services.journal.get(result.transaction_id).kind == "collection"


async def test_a_refund_whose_answer_was_lost_is_never_paid_twice(
    services: Services, sandbox: Sandbox
) -> None:
    sandbox.ugmart.set_balance(services.account_code, "UGX", 0)
    run, _ = await sell(services, momo("0701345672"))
    payment = services.journal.get(run.payment.entry.transaction_id)
    sandbox.ugmart.set_balance(services.account_code, "UGX", 100_000)
    sandbox.faults.push("drop", "/api/payout")
    first = await refund(services.ugmart, services.journal, services.account_code, payment, "J")
    assert first.state is State.UNKNOWN
    again = await refund(services.ugmart, services.journal, services.account_code, payment, "J")
    assert again.state is State.REFUNDED
    payouts = [t for t in sandbox.ugmart.transactions if t["type"] == "PAYOUT"]
    assert len(payouts) == 1


async def test_ugmart_sms_to_a_customer_shows_the_charge_rate(
    services: Services, sandbox: Sandbox
) -> None:
    before = sandbox.ugmart.wallet(services.account_code)
    _, result = await service(
        services, "PAY.SMS", {"to": "0700392138", "text": "Token 4433 2904 5279 0983 7607"}
    )
    assert result.outcome == "success", result.message
    assert dict(result.highlight)["Sms charge rate"] == "30 UGX"
    assert sandbox.ugmart.wallet(services.account_code) == before - 30
    sms = next(t for t in sandbox.ugmart.transactions if t["type"] == "SMS")
    assert sms["msisdn"] == "256700392138"
    run = services.new_sale(next(p for p in services.service_products() if p.code == "PAY.SMS"))
    with pytest.raises(NotConfirmed) as pending:
        await run_unattended(run, {"to": "0700392138", "text": "again"}, confirm=False)
    assert pending.value.view.amount == 30
