"""UMS services as flows in the same engine: SMS, M-Pesa STK push, hotspot vouchers."""

from __future__ import annotations

import dataclasses

import pytest

from kiosk.flows.autopilot import AnswerNeeded, run_unattended
from kiosk.journal import State
from kiosk.sandbox.app import Sandbox
from kiosk.services import Services


@pytest.fixture
def sandbox() -> Sandbox:
    fast = Sandbox()
    fast.ums.stk_delay = 0
    fast.ums.delivery_delay = 0
    return fast


@pytest.fixture
async def quick(services: Services) -> Services:
    services.settings = services.settings.model_copy(update={"stk_timeout": 0.3})
    return services


def registered(sandbox: Sandbox) -> set[str]:
    return {voucher.code for voucher in sandbox.ums.vouchers.values()}


async def sell(services: Services, code: str, answers: dict[str, str]):
    product = next(p for p in services.service_products() if p.code == code)
    run = services.new_sale(product)
    run.config = dataclasses.replace(run.config, poll_interval=0.05)
    return run, await run_unattended(run, answers)


async def test_sms_batch_reports_duplicates_and_sends_once_each(
    services: Services, sandbox: Sandbox
) -> None:
    run, result = await sell(
        services,
        "UMS.SMS",
        {"recipients": "0798765432, 254798765432\n0712345678", "message": "Karibu!"},
    )
    assert result.outcome == "success", result.message
    assert "Sent 2 of 2" in result.message
    assert sorted(record.phone for record in sandbox.ums.sms.values()) == [
        "0712345678",
        "0798765432",
    ]
    rows = services.journal.children(result.transaction_id)
    assert [r.state for r in rows] == [State.SUCCESS, State.SUCCESS]
    assert run.quote is not None and "duplicate" in dict(run.quote.facts)["Duplicates"]


async def test_sms_over_the_credit_balance_is_refused_before_sending(
    services: Services, sandbox: Sandbox
) -> None:
    sandbox.ums.sms_credit = 1
    with pytest.raises(AnswerNeeded) as caught:
        await sell(services, "UMS.SMS", {"recipients": "0798765432,0712345678", "message": "Hi"})
    assert "needs 2 SMS credits" in caught.value.message
    assert sandbox.ums.sms == {}


async def test_invalid_numbers_are_all_named(services: Services) -> None:
    with pytest.raises(AnswerNeeded) as caught:
        await sell(services, "UMS.SMS", {"recipients": "0798765432, 12345, abc", "message": "Hi"})
    assert caught.value.step_id == "recipients"
    assert "12345" in caught.value.message and "abc" in caught.value.message


async def test_stk_push_completes_and_is_journaled(services: Services, sandbox: Sandbox) -> None:
    _, result = await sell(services, "UMS.STK", {"msisdn": "0798765432", "amount": "10"})
    assert result.outcome == "success", result.message
    entry = services.journal.get(result.transaction_id)
    assert entry is not None and entry.state is State.SUCCESS and entry.currency == "KES"
    assert entry.request["msisdn"] == "254798765432"
    assert dict(result.highlight)["Mpesa receipt"]


async def test_stk_cancelled_by_user_says_so(services: Services) -> None:
    _, result = await sell(services, "UMS.STK", {"msisdn": "0798761032", "amount": "10"})
    assert result.outcome == "failed"
    assert "cancelled" in result.message.lower()


async def test_stk_without_answer_times_out_pending_and_is_kept(quick: Services) -> None:
    _, result = await sell(quick, "UMS.STK", {"msisdn": "0798769999", "amount": "10"})
    assert result.outcome == "pending"
    assert result.can_retry
    entry = quick.journal.get(result.transaction_id)
    assert entry is not None and entry.state is State.INCOMPLETE
    assert entry in quick.journal.unresolved()


async def test_voucher_paid_by_mpesa_is_registered_after_payment(
    services: Services, sandbox: Sandbox
) -> None:
    _, result = await sell(
        services,
        "UMS.VOUCHER",
        {"plan_code": "U92191578", "payment": "mpesa", "msisdn": "0798765432"},
    )
    assert result.outcome == "success", result.message
    voucher = dict(result.highlight)["Voucher"]
    assert voucher in registered(sandbox)
    assert result.qr == voucher
    entry = services.journal.get(result.transaction_id)
    assert entry is not None and entry.parent_id is not None
    payment = services.journal.get(entry.parent_id)
    assert payment is not None and payment.state is State.SUCCESS and payment.amount == 35


async def test_voucher_is_not_registered_when_the_payment_fails(
    services: Services, sandbox: Sandbox
) -> None:
    _, result = await sell(
        services,
        "UMS.VOUCHER",
        {
            "plan_code": "U92191578",
            "payment": "mpesa",
            "msisdn": "0798761032",
            "voucher_code": "GHOT",
        },
    )
    assert result.outcome == "failed"
    assert sandbox.ums.vouchers == {}


async def test_cash_voucher_with_an_entered_code(services: Services, sandbox: Sandbox) -> None:
    _, result = await sell(
        services,
        "UMS.VOUCHER",
        {"plan_code": "U77434129", "payment": "cash", "voucher_code": "ghot"},
    )
    assert result.outcome == "success"
    assert "GHOT" in registered(sandbox)


async def test_sms_recipients_from_a_csv_file(
    services: Services, sandbox: Sandbox, tmp_path
) -> None:
    numbers = tmp_path / "customers.csv"
    numbers.write_text("phone,name\n0798765432,Achieng\n0712345678,Otieno\n0798765432,again\n")
    _, result = await sell(services, "UMS.SMS", {"recipients": f"@{numbers}", "message": "Hi"})
    assert result.outcome == "success"
    assert sorted(r.phone for r in sandbox.ums.sms.values()) == ["0712345678", "0798765432"]
