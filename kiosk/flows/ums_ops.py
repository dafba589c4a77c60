"""UMS's sources and operations: SMS (quote, send), M-Pesa STK push (push, wait) and hotspot
vouchers (plans, register). Each money-moving call is journaled like a purchase: intent first,
outcome after; a voucher paid by STK push is registered only once the payment is Completed."""

from __future__ import annotations

import asyncio
import math
import secrets
import string
import time
from typing import TYPE_CHECKING, Any

from kiosk.api.errors import ApiError, UnknownOutcome
from kiosk.flows.checkout import SaleOutcome
from kiosk.flows.registry import OPERATIONS, RETRIES, SOURCES, StepFailed, error_text
from kiosk.flows.views import ChargeLine, Option, Quote
from kiosk.journal import Entry, State

if TYPE_CHECKING:
    from kiosk.flows.engine import FlowRun
    from kiosk.flows.spec import StepSpec

SINGLE_SMS = 160
SMS_PART = 153
_VOUCHER_ALPHABET = string.ascii_uppercase.replace("O", "").replace("I", "") + "23456789"


def sms_units(text: str) -> int:
    """One SMS carries 160 characters; a longer message goes in parts of 153."""
    return 1 if len(text) <= SINGLE_SMS else math.ceil(len(text) / SMS_PART)


def new_voucher_code(length: int = 8) -> str:
    """Easy to read aloud and type: no O/0 or I/1."""
    return "".join(secrets.choice(_VOUCHER_ALPHABET) for _ in range(length))


def new_reference() -> str:
    return "K" + secrets.token_hex(5).upper()


def _intent(run: FlowRun, **fields: Any) -> Entry:
    return run.checkout.journal.record_intent(
        service="ums", operator=run.checkout.operator, **fields
    )


def _finish(run: FlowRun, entry: Entry, state: State, message: str, **response: Any) -> None:
    entry = run.checkout.journal.record_outcome(
        entry.transaction_id, state, message=message, response=response or None
    )
    run.outcome = SaleOutcome(entry)


def _fail_call(run: FlowRun, entry: Entry, exc: ApiError) -> None:
    state = State.UNKNOWN if isinstance(exc, UnknownOutcome) else State.FAILED
    _finish(run, entry, state, error_text(exc))


# -- hotspot plans ---------------------------------------------------------------------------


async def _hotspot_plans(run: FlowRun, step: StepSpec) -> list[Option]:
    station = await run.ums.hotspot_plans(run.config.station_id)
    return [
        Option(
            plan.plan_code,
            plan.label,
            plan.price,
            f"{plan.allowed_devices} device(s) · {plan.plan_type}",
        )
        for plan in station.plans
    ]


# -- SMS -------------------------------------------------------------------------------------


def _recipients(run: FlowRun) -> list[str]:
    return [n for n in run.active_values().get("recipients", "").split(",") if n]


async def _sms_quote(run: FlowRun, step: StepSpec) -> None:
    recipients = _recipients(run)
    message = run.active_values().get("message", "")
    per = sms_units(message)
    units = per * len(recipients)
    run.progress("Checking the SMS credit balance…")
    try:
        balance = await run.ums.sms_balance()
    except ApiError as exc:
        raise StepFailed(error_text(exc), step_id="message") from exc
    if units > balance:
        raise StepFailed(
            f"This batch needs {units} SMS credits and the balance is {balance}. "
            "Shorten the message, send to fewer numbers or buy credit.",
            step_id="recipients",
        )
    facts = [
        ("Sender id", run.config.sender_id),
        ("Message", message if len(message) <= 60 else message[:57] + "…"),
        ("Length", f"{len(message)} characters, {per} SMS unit(s) each"),
        ("Credit balance", f"{balance} → {balance - units}"),
    ]
    if run.notes.get("recipients"):
        facts.append(("Duplicates", run.notes["recipients"]))
    run.quote = Quote(
        account=f"{len(recipients)} recipient(s)",
        lines=(ChargeLine(f"{len(recipients)} recipient(s) × {per} unit(s)", units),),
        amount=units,
        currency="SMS",
        facts=tuple(facts),
    )


async def _sms_send(run: FlowRun, step: StepSpec) -> None:
    recipients = _recipients(run)
    message = run.active_values()["message"]
    per = sms_units(message)
    batch = _intent(
        run,
        transaction_id=run.checkout.new_id(),
        kind="sms_batch",
        request={"recipients": recipients, "message": message, "sender_id": run.config.sender_id},
        product_code="UMS.SMS",
        product_name="SMS",
        product_type="SMS",
        account=f"{len(recipients)} recipient(s)",
        amount=per * len(recipients),
        currency="SMS",
    )
    sent: list[str] = []
    failed: list[str] = []
    unknown: list[str] = []
    for index, phone in enumerate(recipients, start=1):
        run.progress(f"Sending SMS {index} of {len(recipients)}…")
        row = _intent(
            run,
            transaction_id=run.checkout.new_id(),
            kind="sms",
            request={"phone": phone, "message": message, "sender_id": run.config.sender_id},
            product_code="UMS.SMS",
            product_name="SMS",
            product_type="SMS",
            account=phone,
            amount=per,
            currency="SMS",
            parent_id=batch.transaction_id,
        )
        try:
            result = await run.ums.send_sms(phone, message, run.config.sender_id)
        except ApiError as exc:
            state = State.UNKNOWN if isinstance(exc, UnknownOutcome) else State.FAILED
            (unknown if state is State.UNKNOWN else failed).append(phone)
            run.checkout.journal.record_outcome(row.transaction_id, state, message=exc.message)
            continue
        sent.append(phone)
        run.checkout.journal.record_outcome(
            row.transaction_id,
            State.SUCCESS,
            message=result.message,
            response={
                "request_id": result.request_id,
                "details": {"request_id": result.request_id},
            },
        )
    summary = f"Sent {len(sent)} of {len(recipients)}."
    if failed:
        summary += f" Refused: {', '.join(failed)}."
    if unknown:
        summary += f" No answer (check the delivery report): {', '.join(unknown)}."
    state = State.UNKNOWN if unknown else State.SUCCESS if sent else State.FAILED
    _finish(run, batch, state, summary, details={"sent": len(sent), "refused": len(failed)})


# -- M-Pesa STK push -------------------------------------------------------------------------


def _stk_amount(run: FlowRun) -> int:
    entered = run.entered_amount()
    if entered is not None:
        return entered
    plan = run.chosen("plan_code")
    if plan is None or plan.price is None:
        raise StepFailed("The amount to request is not known.")
    return round(plan.price)


async def _stk_push(run: FlowRun, step: StepSpec) -> None:
    values = run.active_values()
    msisdn = values["msisdn"]
    amount = _stk_amount(run)
    reference = values.get("reference") or new_reference()
    entry = _intent(
        run,
        transaction_id=reference,
        kind="stk",
        request={
            "account_id": run.config.ums_account_id,
            "amount": amount,
            "msisdn": msisdn,
            "reference": reference,
        },
        product_code="UMS.STK",
        product_name="M-Pesa payment",
        product_type="PAYMENT",
        account=msisdn,
        amount=amount,
        currency="KES",
    )
    run.progress("Sending the payment request to the customer's phone…")
    try:
        initiated = await run.ums.initiate_stk(run.config.ums_account_id, amount, msisdn, reference)
    except ApiError as exc:
        _fail_call(run, entry, exc)
        return
    _finish(
        run,
        entry,
        State.INCOMPLETE,
        "Waiting for the customer to enter the M-Pesa PIN.",
        transaction_request_id=initiated.transaction_request_id,
    )


def _request_id(entry: Entry) -> str:
    return str((entry.response or {}).get("transaction_request_id", ""))


async def settle_stk(run_or_none: FlowRun | None, ums: Any, journal: Any, entry: Entry) -> Entry:
    """Ask UMS once for the push's status and journal what it says."""
    request_id = _request_id(entry)
    if not request_id:
        return entry
    status = await ums.transaction_status(request_id)
    if not status.final:
        return entry
    if status.completed:
        return journal.record_outcome(
            entry.transaction_id,
            State.SUCCESS,
            message=f"Paid: M-Pesa receipt {status.receipt}",
            response={
                "transaction_request_id": request_id,
                "details": {
                    "mpesa_receipt": status.receipt,
                    "phone": status.msisdn,
                    "reference": status.reference,
                },
            },
        )
    return journal.record_outcome(
        entry.transaction_id,
        State.FAILED,
        message=status.explanation or status.result_desc or status.status,
        response={"transaction_request_id": request_id, "code": status.transaction_code},
    )


async def _stk_wait(run: FlowRun, step: StepSpec) -> None:
    if run.outcome is None or run.outcome.state is not State.INCOMPLETE:
        return
    journal = run.checkout.journal
    deadline = time.monotonic() + run.config.stk_timeout
    entry = run.outcome.entry
    while True:
        left = deadline - time.monotonic()
        run.progress("Waiting for the customer to approve on the phone…", max(0.0, left))
        # A callback (kiosk webhook) may already have settled it: no need to ask UMS then.
        entry = journal.get(entry.transaction_id) or entry
        if entry.final:
            break
        try:
            entry = await settle_stk(run, run.ums, journal, entry)
        except ApiError as exc:
            run.progress(f"Status check failed ({exc.message}); trying again…", max(0.0, left))
        if entry.final or left <= 0:
            break
        await asyncio.sleep(min(run.config.poll_interval, max(0.05, left)))
    if not entry.final:
        entry = journal.record_outcome(
            entry.transaction_id,
            State.INCOMPLETE,
            message="No answer from the customer's phone yet. Press R to check again; "
            "do not ask the customer to pay twice.",
        )
    run.outcome = SaleOutcome(entry)


async def _retry_stk(run: FlowRun) -> None:
    assert run.outcome is not None
    entry = await settle_stk(run, run.ums, run.checkout.journal, run.outcome.entry)
    run.outcome = SaleOutcome(entry)


# -- hotspot vouchers ------------------------------------------------------------------------


async def _voucher_register(run: FlowRun, step: StepSpec) -> None:
    payment = run.outcome
    if payment is not None and payment.state is not State.SUCCESS:
        return
    plan = run.chosen("plan_code")
    if plan is None:
        raise StepFailed("Choose a plan first.", step_id="plan_code")
    code = run.active_values().get("voucher_code") or new_voucher_code()
    entry = _intent(
        run,
        transaction_id=run.checkout.new_id(),
        kind="voucher",
        request={"plan_code": plan.value, "voucher_code": code},
        product_code=plan.value,
        product_name=plan.label,
        product_type="HOTSPOT",
        account=code,
        amount=round(plan.price or 0),
        currency="KES",
        parent_id=payment.entry.transaction_id if payment is not None else None,
    )
    run.progress("Registering the voucher…")
    try:
        registered = await run.ums.register_voucher(plan.value, code)
    except ApiError as exc:
        _fail_call(run, entry, exc)
        if payment is not None:
            run.outcome = SaleOutcome(
                run.outcome.entry if run.outcome else entry,
                error=type(exc)(
                    f"Payment received ({payment.entry.message}) but the voucher was not "
                    f"registered: {exc.message}. Register it from the journal; do not charge again."
                ),
            )
        return
    _finish(
        run,
        entry,
        State.SUCCESS,
        registered.message or "Voucher registered",
        details={
            "voucher": registered.voucher or code,
            "plan": registered.plan_name,
            "station": registered.station_name,
            "valid": plan.label,
        },
    )


SOURCES["hotspot_plans"] = _hotspot_plans
OPERATIONS.update(
    sms_quote=_sms_quote,
    sms_send=_sms_send,
    stk_push=_stk_push,
    stk_wait=_stk_wait,
    voucher_register=_voucher_register,
)
RETRIES[("ums", "stk")] = _retry_stk
