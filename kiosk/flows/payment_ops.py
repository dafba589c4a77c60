"""Ugmart payments: mobile-money collection, card payment by QR, payout, and the refund queue.

A product sold "customer pays first" sends its purchase only once the payment is COMPLETE; if
the purchase then fails, the payment row moves to await_refund, linked to the purchase, and
stays in the queue until a refund (a payout to the same number) is recorded.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from kiosk.api.errors import ApiError, NotFound, UnknownOutcome
from kiosk.api.ugmart_models import (
    CardPaymentRequest,
    CollectionRequest,
    PayoutRequest,
    SmsRequest,
)
from kiosk.flows.checkout import SaleOutcome, new_transaction_id
from kiosk.flows.registry import OPERATIONS, RETRIES, SOURCES, StepFailed, error_text
from kiosk.flows.views import ChargeLine, Option, Quote
from kiosk.journal import Entry, Journal, State

if TYPE_CHECKING:
    from kiosk.flows.engine import FlowRun
    from kiosk.flows.spec import StepSpec

_STATUS = {"COMPLETE": State.SUCCESS, "FAILED": State.FAILED, "CANCELLED": State.FAILED}


async def _payment_providers(run: FlowRun, step: StepSpec) -> list[Option]:
    providers = await run.ops.payment_providers()
    return [
        Option(p.code, p.name, None, "" if p.available else "unavailable now", not p.available)
        for p in providers
        if p.code != "visa_mastercard"
    ]


def _payer(run: FlowRun) -> str:
    values = run.active_values()
    return values.get("pay_msisdn") or values.get("msisdn", "")


def _charge(run: FlowRun) -> int:
    amount = run.amount()
    if amount is None:
        raise StepFailed("The amount is not known yet.")
    return amount


def _record(run: FlowRun, kind: str, request: dict[str, Any], account: str, amount: int) -> Entry:
    return run.checkout.journal.record_intent(
        transaction_id=request["transaction_id"],
        service="ugmart",
        kind=kind,
        request=request,
        product_code=run.product.code,
        product_name=run.description(),
        product_type="PAYMENT",
        account=account,
        amount=amount,
        operator=run.checkout.operator,
    )


def _settle_call(run: FlowRun, entry: Entry, exc: ApiError) -> SaleOutcome:
    state = State.UNKNOWN if isinstance(exc, UnknownOutcome) else State.FAILED
    row = run.checkout.journal.record_outcome(entry.transaction_id, state, message=error_text(exc))
    return SaleOutcome(row, error=exc)


async def _collect(run: FlowRun, step: StepSpec) -> None:
    values = run.active_values()
    request = CollectionRequest(
        account_code=run.checkout.account_code,
        transaction_id=run.checkout.new_id(),
        provider_id=values["pay_provider"],
        msisdn=_payer(run),
        amount=_charge(run),
        application=run.config.application,
        description=run.description(),
    )
    entry = _record(run, "collection", request.model_dump(), request.msisdn, request.amount)
    run.progress("Asking the customer's phone for the payment…")
    try:
        result = await run.ops.collection(request)
    except ApiError as exc:
        run.payment = run.outcome = _settle_call(run, entry, exc)
        if not isinstance(exc, UnknownOutcome):
            raise StepFailed(error_text(exc)) from exc
        return
    row = run.checkout.journal.record_outcome(
        entry.transaction_id,
        State.INCOMPLETE,
        message=f"Waiting for approval (charge {result.transaction_charge or 0:g})",
        response=result.model_dump(mode="json"),
    )
    run.payment = run.outcome = SaleOutcome(row)


async def _card_request(run: FlowRun, step: StepSpec) -> None:
    values = run.active_values()
    request = CardPaymentRequest(
        account_code=run.checkout.account_code,
        transaction_id=run.checkout.new_id(),
        msisdn=values.get("contact_phone") or values.get("msisdn", ""),
        amount=_charge(run),
        application=run.config.application,
        description=run.description(),
        callback_url=run.config.callback_url,
    )
    entry = _record(run, "card", request.model_dump(), request.msisdn, request.amount)
    run.progress("Opening a card payment…")
    try:
        session = await run.ops.request_payment(request)
    except ApiError as exc:
        run.payment = run.outcome = _settle_call(run, entry, exc)
        return
    row = run.checkout.journal.record_outcome(
        entry.transaction_id,
        State.INCOMPLETE,
        message="Waiting for the card payment",
        response={
            **session.model_dump(mode="json"),
            "details": {"payment_url": session.payment_url},
        },
    )
    run.payment = run.outcome = SaleOutcome(row)
    run.payment_url = session.payment_url


async def settle_payment(ops: Any, journal: Journal, entry: Entry) -> Entry:
    """Look a collection or card payment up once and journal a final status."""
    try:
        found = await ops.transaction(entry.transaction_id)
    except NotFound:
        return entry
    state = _STATUS.get(str(found.status).upper())
    if state is None:
        return entry
    message = found.status_message or f"Payment {str(found.status).lower()}"
    return journal.record_outcome(entry.transaction_id, state, message=message)


async def _payment_wait(run: FlowRun, step: StepSpec) -> None:
    if run.payment is None or run.payment.state is not State.INCOMPLETE:
        return
    journal = run.checkout.journal
    entry = run.payment.entry
    deadline = time.monotonic() + run.config.payment_timeout
    url = getattr(run, "payment_url", "")
    while True:
        left = max(0.0, deadline - time.monotonic())
        text = (
            "Customer: scan the QR code to pay by card"
            if url
            else ("Waiting for the customer to approve on the phone…")
        )
        run.progress(text, left, {"qr": url} if url else None)
        entry = journal.get(entry.transaction_id) or entry
        if not entry.final:
            try:
                entry = await settle_payment(run.ops, journal, entry)
            except ApiError as exc:
                run.progress(f"Status check failed ({exc.message}); trying again…", left)
        if entry.final or left <= 0:
            break
        await asyncio.sleep(min(run.config.poll_interval, max(0.05, left)))
    run.payment = run.outcome = SaleOutcome(entry)


async def _refund_check(run: FlowRun, step: StepSpec) -> None:
    """A paid-first sale whose purchase failed: the payment is owed back, never forgotten."""
    payment, sale = run.payment, run.outcome
    if payment is None or sale is None or sale is payment:
        return
    if payment.state is State.SUCCESS and sale.state is State.FAILED:
        refund_owed(run.checkout.journal, payment.entry, sale.entry)
        run.outcome = SaleOutcome(
            run.checkout.journal.get(sale.entry.transaction_id) or sale.entry,
            error=type(sale.error)(
                f"{sale.message}. The customer's payment {payment.entry.transaction_id} "
                "is in the refund queue."
            )
            if sale.error
            else None,
        )


def refund_owed(journal: Journal, payment: Entry, sale: Entry) -> Entry:
    return journal.record_outcome(
        payment.transaction_id,
        State.AWAIT_REFUND,
        message=f"Refund owed: purchase {sale.transaction_id} failed ({sale.message})",
    )


async def refund(
    ops: Any,
    journal: Journal,
    account_code: str,
    payment: Entry,
    name: str,
    application: str = "Kiosk",
) -> Entry:
    """Pay a refund owed: a payout of the same amount to the number that paid."""
    if payment.state is not State.AWAIT_REFUND:
        raise ValueError(f"{payment.transaction_id} is {payment.state}, not awaiting a refund")
    # A refund payout already sent (its answer lost) must be settled, never sent a second time.
    for earlier in journal.children(payment.transaction_id):
        if earlier.kind != "payout" or earlier.state is State.FAILED:
            continue
        if not earlier.final:
            earlier = await settle_payment(ops, journal, earlier)
        if earlier.state is State.SUCCESS:
            return journal.record_outcome(
                payment.transaction_id,
                State.REFUNDED,
                message=f"Refunded by {earlier.transaction_id}",
            )
        if not earlier.final:
            raise ValueError(
                f"refund payout {earlier.transaction_id} is not settled yet: run reconcile first"
            )
    request = PayoutRequest(
        account_code=account_code,
        transaction_id=new_transaction_id(),
        msisdn=payment.account,
        amount=payment.amount,
        application=application,
        description=f"Refund of {payment.transaction_id}",
        recipient_name=name,
    )
    journal.record_intent(
        transaction_id=request.transaction_id,
        service="ugmart",
        kind="payout",
        request=request.model_dump(),
        product_code="REFUND",
        product_name="Refund",
        product_type="PAYOUT",
        account=request.msisdn,
        amount=request.amount,
        parent_id=payment.transaction_id,
    )
    try:
        await ops.payout(request)
    except ApiError as exc:
        state = State.UNKNOWN if isinstance(exc, UnknownOutcome) else State.FAILED
        return journal.record_outcome(request.transaction_id, state, message=exc.message)
    journal.record_outcome(request.transaction_id, State.SUCCESS, message="Refund paid")
    return journal.record_outcome(
        payment.transaction_id, State.REFUNDED, message=f"Refunded by {request.transaction_id}"
    )


async def _validate_recipient(run: FlowRun, step: StepSpec) -> None:
    values = run.active_values()
    run.progress("Checking the recipient's registered name…")
    try:
        found = await run.ops.validate_account(values["pay_provider"], values["pay_msisdn"])
    except ApiError as exc:
        raise StepFailed(error_text(exc)) from exc
    if not found.valid or not found.customer_name:
        raise StepFailed(f"{values['pay_msisdn']} is not a registered mobile money account.")
    run.facts["Registered name"] = found.customer_name


async def _float_check(run: FlowRun, step: StepSpec) -> None:
    amount = _charge(run)
    run.progress("Checking the float…")
    try:
        balance = (await run.ops.balance(run.checkout.account_code)).wallet("UGX") or 0
    except ApiError as exc:
        raise StepFailed(error_text(exc)) from exc
    if balance < amount:
        raise StepFailed(f"The float has {balance:,.0f} UGX: not enough for {amount:,} UGX.")
    run.facts["Float now"] = f"{balance:,.0f} UGX"


async def _payout(run: FlowRun, step: StepSpec) -> None:
    values = run.active_values()
    name = run.facts.get("Registered name", "")
    request = PayoutRequest(
        account_code=run.checkout.account_code,
        transaction_id=run.checkout.new_id(),
        msisdn=values["pay_msisdn"],
        amount=_charge(run),
        application=run.config.application,
        description=run.description(),
        recipient_name=name,
    )
    entry = _record(run, "payout", request.model_dump(), request.msisdn, request.amount)
    run.progress("Sending the money…")
    try:
        result = await run.ops.payout(request)
    except ApiError as exc:
        run.outcome = _settle_call(run, entry, exc)
        return
    row = run.checkout.journal.record_outcome(
        entry.transaction_id,
        State.SUCCESS if result.status.upper() == "SUCCESS" else State.INCOMPLETE,
        message=result.message,
        response={**result.model_dump(mode="json"), "details": {"recipient": name}},
        tariff_charge=result.transaction_charge,
    )
    run.outcome = SaleOutcome(row)


# Ugmart does not publish its SMS rate before a send; the last answer's rate is the best quote.
_SMS_RATE_NOTE = "charged at the account's SMS rate (shown after sending)"


async def _ugmart_sms_quote(run: FlowRun, step: StepSpec) -> None:
    values = run.active_values()
    last = run.checkout.journal.entries(kinds=["ugmart_sms"], states=[State.SUCCESS], limit=1)
    rate = round(last[0].tariff_charge or 0) if last else 0
    note = f"{rate} UGX at the last send" if rate else _SMS_RATE_NOTE
    run.quote = Quote(
        account=values["to"],
        lines=(ChargeLine("1 SMS", rate or None, note),),
        amount=rate,
        currency="UGX",
        facts=(("To", values["to"]), ("Message", values["text"])),
    )


async def _ugmart_sms(run: FlowRun, step: StepSpec) -> None:
    values = run.active_values()
    request = SmsRequest(
        account_code=run.checkout.account_code,
        transaction_id=run.checkout.new_id(),
        to=values["to"],
        text=values["text"],
    )
    entry = run.checkout.journal.record_intent(
        transaction_id=request.transaction_id,
        service="ugmart",
        kind="ugmart_sms",
        request=request.model_dump(),
        product_code="PAY.SMS",
        product_name="SMS",
        product_type="SMS",
        account=request.to,
        operator=run.checkout.operator,
    )
    run.progress("Sending the SMS…")
    try:
        result = await run.ops.send_sms(request)
    except ApiError as exc:
        run.outcome = _settle_call(run, entry, exc)
        return
    first = result.messages[0] if result.messages else None
    details = {
        "sms_charge_rate": f"{result.sms_charge_rate or 0:g} UGX",
        "message_id": first.message_id if first else "",
    }
    row = run.checkout.journal.record_outcome(
        entry.transaction_id,
        State.SUCCESS if result.status.upper() == "SUCCESS" else State.INCOMPLETE,
        message=f"Sent to {request.to}" + (f": {first.status.description}" if first else ""),
        response={**result.model_dump(mode="json", by_alias=True), "details": details},
        tariff_charge=result.sms_charge_rate,
    )
    run.outcome = SaleOutcome(row)


async def _retry_payment(run: FlowRun) -> None:
    assert run.outcome is not None
    entry = await settle_payment(run.ops, run.checkout.journal, run.outcome.entry)
    run.payment = run.outcome = SaleOutcome(entry)


SOURCES["payment_providers"] = _payment_providers
OPERATIONS.update(
    collect=_collect,
    card_request=_card_request,
    payment_wait=_payment_wait,
    refund_check=_refund_check,
    validate_recipient=_validate_recipient,
    ugmart_sms_quote=_ugmart_sms_quote,
    ugmart_sms=_ugmart_sms,
    float_check=_float_check,
    payout=_payout,
)
RETRIES[("ugmart", "collection")] = _retry_payment
RETRIES[("ugmart", "card")] = _retry_payment
