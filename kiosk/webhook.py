"""The callback endpoint: UMS SMS delivery reports and UMS Pay (STK) results, and Ugmart's card
payment redirects. Each callback is kept once in the journal (a repeat is acknowledged and
ignored) and, when it settles a row, the row's outcome is recorded there, where a waiting flow
sees it at its next look (polling stays the fallback)."""

from __future__ import annotations

import json
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from kiosk.api.ums_models import STK_RESPONSE_CODES
from kiosk.journal import Journal, State


def _settle(
    journal: Journal, transaction_id: str, state: State, message: str, **response: Any
) -> bool:
    entry = journal.get(transaction_id)
    if entry is None or entry.final:
        return False
    journal.record_outcome(transaction_id, state, message=message, response=response or None)
    return True


def apply_stk(journal: Journal, dump: dict[str, Any]) -> dict[str, Any]:
    reference = str(dump.get("TransactionReference") or "")
    code = int(str(dump.get("ResponseCode", "")).strip() or -1)
    key = f"stk:{dump.get('TransactionID')}:{code}"
    if not journal.record_callback("ums_stk", key, dump, reference or None):
        return {"duplicate": True}
    if code == 0:
        receipt = str(dump.get("TransactionReceipt") or "")
        settled = _settle(
            journal,
            reference,
            State.SUCCESS,
            f"Paid: M-Pesa receipt {receipt}",
            transaction_request_id=dump.get("TransactionID"),
            details={"mpesa_receipt": receipt, "phone": dump.get("Msisdn"), "reference": reference},
        )
    else:
        text = STK_RESPONSE_CODES.get(code, str(dump.get("ResponseDescription") or code))
        settled = _settle(
            journal,
            reference,
            State.FAILED,
            text,
            transaction_request_id=dump.get("TransactionID"),
            code=str(code),
        )
    return {"settled": settled}


def apply_card(journal: Journal, query: dict[str, str]) -> dict[str, Any]:
    transaction_id = query.get("data[transaction_id]", "")
    status = query.get("status", "").upper()
    if not journal.record_callback(
        "ugmart_card", f"card:{transaction_id}:{status}", query, transaction_id or None
    ):
        return {"duplicate": True}
    state = {"SUCCESS": State.SUCCESS, "FAILED": State.FAILED, "CANCELLED": State.FAILED}.get(
        status
    )
    if state is None:
        return {"settled": False}
    message = query.get("message") or f"Card payment {status.lower()}"
    return {"settled": _settle(journal, transaction_id, state, message)}


def apply_sms(journal: Journal, report: dict[str, Any]) -> dict[str, Any]:
    request_id = str(report.get("request_id") or "")
    key = f"sms:{request_id}:{report.get('status')}"
    new = journal.record_callback("ums_sms", key, report, request_id or None)
    return {"duplicate": not new}


def webhook_app(journal: Journal) -> Starlette:
    async def json_body(request: Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except (ValueError, json.JSONDecodeError):
            return {}
        return body if isinstance(body, dict) else {}

    async def stk(request: Request) -> JSONResponse:
        body = await json_body(request)
        if "ResponseCode" not in body:
            return JSONResponse({"error": "not an STK result"}, status_code=400)
        return JSONResponse(apply_stk(journal, body))

    async def sms(request: Request) -> JSONResponse:
        body = await json_body(request)
        if "request_id" not in body:
            return JSONResponse({"error": "not a delivery report"}, status_code=400)
        return JSONResponse(apply_sms(journal, body))

    async def card(request: Request) -> JSONResponse:
        return JSONResponse(apply_card(journal, dict(request.query_params)))

    return Starlette(
        routes=[
            Route("/ums/stk", stk, methods=["POST"]),
            Route("/ums/sms", sms, methods=["POST"]),
            Route("/ugmart/card", card, methods=["GET", "POST"]),
        ]
    )
