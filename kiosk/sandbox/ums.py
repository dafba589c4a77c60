"""A fake UMS: SMS with a credit balance and delivery reports, M-Pesa STK push that completes
or fails, and hotspot plans and vouchers.

Deterministic STK outcomes, by the last four digits of the phone number: 1032 cancelled by
the user, 1037 unreachable, 0001 insufficient balance (code 1), 2001 invalid initiator, 1019
expired, 1001 another transaction in progress, 9999 never answers (stays Pending, for timeout
tests). Any other number completes `stk_delay` seconds after the push. SMS are delivered
`delivery_delay` seconds after sending.
"""

from __future__ import annotations

import itertools
import math
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

API_KEY = "VE5MTlkzRk06MTlwNjlkZWM="
EMAIL = "example@gmail.com"
ACCOUNT_ID = "UMPAY123456789"
STATION_ID = "UMS26595527"
KE_MOBILE = re.compile(r"^(?:0|254)[17]\d{8}$")

STK_OUTCOMES = {
    "1032": (1032, "Request cancelled by user"),
    "1037": (1037, "DS timeout user cannot be reached"),
    "0001": (1, "The balance is insufficient for the transaction."),
    "2001": (2001, "The initiator information is invalid."),
    "1019": (1019, "Transaction has expired"),
    "1001": (1001, "Unable to lock subscriber, a transaction is already in process for the current subscriber"),
}  # fmt: skip


def _plan(
    code: str, price: str, n: str, unit: str, kind: str, validity: str, devices: str
) -> dict[str, str]:
    return {"planCode": code, "price": price, "numericExpiration": n, "stringExpiration": unit,
            "planType": kind, "connectionType": f"{kind.capitalize()} plan",
            "validityPeriod": validity, "allowedDevices": devices}  # fmt: skip


PLANS = [
    _plan("U77434129", "10", "5", " Mbps", "speed", "1 Hour", "1"),
    _plan("U69568596", "10", "30", " Minutes", "time", "30 Minutes", "2"),
    _plan("U46169734", "10", "10", " MB", "data", "1 Hour", "1"),
    _plan("U54849986", "20", "15", " Hours", "time", "15 Hours", "2"),
    _plan("U92191578", "35", "24", " Hours", "time", "24 Hours", "2"),
    _plan("U42514542", "200", "1", " Week", "time", "1 Week", "2"),
]


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def sms_units(text: str) -> int:
    """160 characters in one SMS; longer messages go in parts of 153."""
    return 1 if len(text) <= 160 else math.ceil(len(text) / 153)


@dataclass
class UmsSandbox:
    sms_credit: int = 100
    stk_delay: float = 3.0
    delivery_delay: float = 2.0
    clock: Callable[[], float] = time.time
    on_event: Callable[[dict[str, Any]], None] | None = None
    sms: dict[str, dict[str, Any]] = field(default_factory=dict)
    pushes: dict[str, dict[str, Any]] = field(default_factory=dict)
    vouchers: dict[str, dict[str, Any]] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def _stamp(self) -> str:
        return datetime.fromtimestamp(self.clock(), UTC).strftime("%Y%m%d%H%M%S")

    def check(self, body: dict[str, Any]) -> None:
        if body.get("api_key") != API_KEY or body.get("email") != EMAIL:
            raise Refused(401, "Invalid api key or email")

    def send_sms(self, body: dict[str, Any]) -> dict[str, Any]:
        phone = str(body.get("phone", ""))
        message = str(body.get("message", ""))
        if not KE_MOBILE.match(phone):
            raise Refused(400, f"Invalid phone number {phone}")
        if not message.strip():
            raise Refused(400, "The message is empty")
        units = sms_units(message)
        if units > self.sms_credit:
            raise Refused(402, f"Insufficient SMS credit: {self.sms_credit} left, {units} needed")
        self.sms_credit -= units
        request_id = str(8403414672158570000 + next(self._ids))
        now = self.clock()
        self.sms[request_id] = {
            "request_id": request_id, "sender_id": body.get("Sender_Id", "UMS_SMS"),
            "recepient": phone, "sms_unit": units, "sms_length": len(message), "sms_type": "text",
            "message": message, "sent_at": now,
        }  # fmt: skip
        return {"success": "200", "massage": "Message sent sucessfully.", "request_id": request_id}

    def delivery(self, body: dict[str, Any]) -> dict[str, Any]:
        row = self.sms.get(str(body.get("request_id", "")))
        if row is None:
            raise Refused(404, "Request id not found")
        delivered = self.clock() >= row["sent_at"] + self.delivery_delay
        stamp = datetime.fromtimestamp(row["sent_at"], UTC).strftime("%Y-%m-%d %H:%M:%S")
        if delivered and not row.get("notified"):
            row["notified"] = True
            self._event(
                {"type": "sms_delivery", "request_id": row["request_id"], "status": "Delivered"}
            )
        return {"ResultCode": "200", "submitted_time": stamp, "send_time": stamp,
                "status": "Delivered" if delivered else "Pending",
                **{k: v for k, v in row.items() if k not in ("sent_at", "notified")}}  # fmt: skip

    def initiate_stk(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("account_id") != ACCOUNT_ID:
            raise Refused(400, "Invalid UMS Pay account_id")
        msisdn = str(body.get("msisdn", ""))
        if not KE_MOBILE.match(msisdn):
            raise Refused(400, f"Invalid phone number {msisdn}")
        try:
            amount = int(float(str(body.get("amount"))))
        except ValueError:
            raise Refused(400, "Invalid amount") from None
        if amount < 1:
            raise Refused(400, "The amount must be at least 1")
        reference = str(body.get("reference") or "")
        for push in self.pushes.values():
            if reference and push["reference"] == reference:
                return {"success": "200", "massage": "Request sent sucessfully.",
                        "tranasaction_request_id": push["id"]}  # fmt: skip
        txid = f"UMSPID{self._stamp()}{next(self._ids):06d}"
        self.pushes[txid] = {"id": txid, "msisdn": msisdn, "amount": amount,
                             "reference": reference or txid, "at": self.clock()}  # fmt: skip
        return {
            "success": "200",
            "massage": "Request sent sucessfully.",
            "tranasaction_request_id": txid,
        }

    def status(self, body: dict[str, Any]) -> dict[str, Any]:
        txid = str(
            body.get("tranasaction_request_id") or body.get("tranasaction_request_id ") or ""
        )
        push = self.pushes.get(txid)
        if push is None:
            raise Refused(404, f"Transaction {txid} not found")
        code, description, status = 0, "Success. Request accepted for processing", "Pending"
        outcome = STK_OUTCOMES.get(push["msisdn"][-4:])
        settled = self.clock() >= push["at"] + self.stk_delay
        if push["msisdn"].endswith("9999"):
            settled = False
        if settled and outcome:
            code, description = outcome
            status = "Cancelled" if code in (1031, 1032) else "Failed"
        elif settled:
            status = "Completed"
            push.setdefault("receipt", secrets.token_hex(5).upper())
        if settled and not push.get("notified"):
            push["notified"] = True
            self._event({"type": "stk", "TransactionID": txid, "TransactionStatus": status,
                         "ResponseCode": code})  # fmt: skip
        return {"ResultCode": "200", "ResultDesc": description, "TransactionID": txid,
                "TransactionStatus": status, "TransactionCode": str(code),
                "TransactionReceipt": push.get("receipt", ""), "TransactionAmount": str(push["amount"]),
                "Msisdn": push["msisdn"], "TransactionDate": self._stamp(),
                "TransactionReference": push["reference"]}  # fmt: skip

    def plans(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("station_id") != STATION_ID:
            raise Refused(404, f"Station {body.get('station_id')} not found")
        return {
            "ResultCode": "200", "message": f"Request sent successfully. {STATION_ID}",
            "ComapanyName": "UMESKIA SOFTWARES",
            "CompanyInfo": {"Address": "Nairobi, Kenya",
                            "Contact": {"Email": "info@umeskiasoftwares.com", "Phone": "0113015674"},
                            "Website": "www.umeskiasoftwares.com"},
            "stationData": {"stationName": "TANDAO HOTSPOT - KANGU", "stationLocation": "Kutus, Kenya",
                            "stationId": STATION_ID, "customerCare": "0113015674",
                            "stationPackages": PLANS},
        }  # fmt: skip

    def register_voucher(self, body: dict[str, Any]) -> dict[str, Any]:
        plan = next((p for p in PLANS if p["planCode"] == body.get("plan_code")), None)
        if plan is None:
            raise Refused(404, f"Plan {body.get('plan_code')} not found")
        code = str(body.get("voucher_code", "")).strip()
        if not code:
            raise Refused(400, "The voucher code is empty")
        if code in self.vouchers:
            raise Refused(409, f"Voucher {code} is already registered")
        result = {"ResultCode": "200", "message": "Voucher registered successfully",
                  "registeredVoucher": code, "stationId": STATION_ID,
                  "stationName": "TANDAO HOTSPOT", "stationLocation": "Kutus, Kenya",
                  "planCode": plan["planCode"], "planName": plan["validityPeriod"].upper(),
                  "planPrice": int(plan["price"])}  # fmt: skip
        self.vouchers[code] = result
        return result

    def _event(self, event: dict[str, Any]) -> None:
        if self.on_event is not None:
            self.on_event(event)


def ums_app(state: UmsSandbox) -> Starlette:
    def endpoint(handler: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[Request], Any]:
        async def run(request: Request) -> JSONResponse:
            try:
                body = await request.json()
                if not isinstance(body, dict):
                    raise Refused(400, "The body must be a JSON object")
                state.check(body)
                return JSONResponse(handler(body))
            except ValueError:
                return JSONResponse(
                    {"success": "400", "massage": "Malformed JSON"}, status_code=400
                )
            except Refused as exc:
                return JSONResponse({"success": str(exc.status), "massage": exc.message},
                                    status_code=exc.status)  # fmt: skip

        return run

    routes = {
        "/sms": state.send_sms,
        "/smsbalance": lambda body: {"success": "200", "creditBalance": state.sms_credit},
        "/smsdelivery": state.delivery,
        "/intiatestk": state.initiate_stk,
        "/transactionstatus": state.status,
        "/isp/hostspotplans": state.plans,
        "/isp/registervoucher": state.register_voucher,
    }
    return Starlette(routes=[Route(p, endpoint(h), methods=["POST"]) for p, h in routes.items()])
