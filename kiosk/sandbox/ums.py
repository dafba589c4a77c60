"""A fake UMS that behaves like the document: SMS credit, delivery reports, M-Pesa STK push,
hotspot plans and vouchers, seeded with the document's example account and station.

Rules the tests and a curious user can rely on (time comes from the injectable `clock`):
- credentials: api_key VE5MTlkzRk06MTlwNjlkZWM=, email example@gmail.com (anything else: 401);
  UMS Pay account UMPAY123456789; hotspot station UMS26595527.
- SMS: recipients are Kenyan mobiles (07/01XXXXXXXX, 2547/2541XXXXXXXX); a message costs one
  credit unit up to 160 characters, else one per 153; a send over the balance is refused and
  charges nothing. Each send gets a request_id; its delivery report says Pending, then
  Delivered `delivery_delay` seconds later.
- STK push: Pending, then Completed `stk_delay` seconds later, except by the msisdn's last
  four digits: 1032 cancelled by the user, 1031 cancelled, 1037 phone unreachable, 0001
  insufficient balance (ResponseCode 1), 1025 push not sent, 2001 invalid initiator, 1019
  expired, 1001 another transaction in progress, 9999 never answers (stays Pending forever,
  for timeout tests). A `reference` seen before is answered with the original push: never a
  second one.
- vouchers: the plan must exist; a voucher code is registered once per station.
- `on_event(dict)` is called when a push becomes final (`type` "stk", `body` shaped like the
  document's success/error dump) and when an SMS is delivered (`type` "sms_delivery", `body`
  the delivery report). Transitions are applied on every request and by `tick()`.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import itertools
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from kiosk.api.ums_models import sms_units
from kiosk.settings import (
    SANDBOX_UMS_ACCOUNT_ID,
    SANDBOX_UMS_API_KEY,
    SANDBOX_UMS_EMAIL,
    SANDBOX_UMS_STATION_ID,
)

log = logging.getLogger("kiosk.sandbox.ums")

EAT = timezone(timedelta(hours=3), "EAT")
KE_MOBILE = re.compile(r"^(?:\+?254|0)([17]\d{8})$")
VOUCHER_CODE = re.compile(r"^[A-Za-z0-9]{3,20}$")
STK_MAX_AMOUNT = 250_000  # M-Pesa's per-transaction limit, KES

# msisdn suffix -> (ResponseCode, TransactionStatus, the document's ResponseDescription)
STK_OUTCOMES: dict[str, tuple[int, str, str]] = {
    "1032": (1032, "Cancelled", "Request cancelled by user"),
    "1031": (1031, "Cancelled", "Request cancelled by user"),
    "1037": (1037, "Failed", "DS timeout user cannot be reached"),
    "0001": (1, "Failed", "The balance is insufficient for the transaction."),
    "1025": (1025, "Failed", "An error occurred while sending a push request"),
    "2001": (2001, "Failed", "The initiator information is invalid."),
    "1019": (1019, "Failed", "Transaction has expired"),
    "1001": (
        1001,
        "Failed",
        "Unable to lock subscriber, a transaction is already in process for the current subscriber",
    ),
}
STK_NEVER_ANSWERS = "9999"
STK_COMPLETED = (0, "Completed", "Success. Request accepted for processing")

COMPANY = {
    "ComapanyName": "UMESKIA SOFTWARES",
    "CompanyInfo": {
        "Address": "Nairobi, Kenya",
        "Contact": {"Email": "info@umeskiasoftwares.com", "Phone": "0113015674"},
        "Logo": "https://portal.umeskiasoftwares.com/companylogo/1708984865laraAdminfy_logo.png",
        "Description": "SOLVING PROBLEMS WITH THE POWER OF TECHNOLOGY.",
        "Website": "www.umeskiasoftwares.com",
        "primaryColor": "#420505",
        "secondaryColor": "#0c2b03",
    },
}

_PLAN_FIELDS = (
    "planCode",
    "price",
    "numericExpiration",
    "stringExpiration",
    "planType",
    "connectionType",
    "validityPeriod",
    "allowedDevices",
)
_PLANS = [
    ("U77434129", "10", "5", " Mbps", "speed", "Speed plan", "1 Hour", "1"),
    ("U69568596", "10", "30", " Minutes", "time", "Time plan", "30 Minutes", "2"),
    ("U46169734", "10", "10", " MB", "data", "Data plan", "1 Hour", "1"),
    ("U54849986", "20", "15", " Hours", "time", "Time plan", "15 Hours", "2"),
    ("U92191578", "35", "24", " Hours", "time", "Time plan", "24 Hours", "2"),
    ("U42514542", "200", "1", " Week", "time", "Time plan", "1 Week", "2"),
]
STATIONS: dict[str, dict[str, Any]] = {
    SANDBOX_UMS_STATION_ID: {
        "stationName": "TANDAO HOTSPOT - KANGU",
        "stationLocation": "Kutus, Kenya",
        "stationPool": "TANDAO-KANGU-POOL",
        "remoteIp": "192.168.74.1",
        "nasPassword": "273641958",
        "localIp": "192.146.98.1",
        "domainName": "ums.net",
        "stationId": SANDBOX_UMS_STATION_ID,
        "customerCare": "0113015674",
        "stationPackages": [dict(zip(_PLAN_FIELDS, plan, strict=True)) for plan in _PLANS],
    }
}


class Refused(Exception):
    """A request the sandbox answers with an error status and the service's message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class SmsRecord:
    request_id: str
    sender_id: str
    phone: str
    message: str
    units: int
    submitted_at: float
    deliver_at: float
    status: str = "Pending"


@dataclass
class StkPush:
    request_id: str
    account_id: str
    msisdn: str
    amount: int
    reference: str
    created_at: float
    # None: the customer never answers (msisdn ...9999).
    settle_at: float | None
    outcome: tuple[int, str, str]
    merchant_request_id: str
    checkout_request_id: str
    status: str = "Pending"
    settled_at: float | None = None

    @property
    def receipt(self) -> str:
        """An M-Pesa-like receipt (QBI3DNNHWP), stable for a given push."""
        digest = hashlib.sha256(self.request_id.encode()).digest()
        return base64.b32encode(digest).decode()[:10]


@dataclass
class Voucher:
    code: str
    plan_code: str
    station_id: str
    registered_at: float


@dataclass
class UmsSandbox:
    api_key: str = SANDBOX_UMS_API_KEY
    email: str = SANDBOX_UMS_EMAIL
    account_id: str = SANDBOX_UMS_ACCOUNT_ID
    sms_credit: int = 100
    sender_ids: frozenset[str] = frozenset({"UMS_SMS"})
    delivery_delay: float = 2.0
    stk_delay: float = 3.0
    clock: Callable[[], float] = time.time
    on_event: Callable[[dict[str, Any]], None] | None = None
    stations: dict[str, dict[str, Any]] = field(default_factory=lambda: copy.deepcopy(STATIONS))
    # The ledger, in the order things happened, keyed by the id the service handed out.
    sms: dict[str, SmsRecord] = field(default_factory=dict)
    pushes: dict[str, StkPush] = field(default_factory=dict)
    vouchers: dict[tuple[str, str], Voucher] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # -- time ------------------------------------------------------------------------------

    def tick(self) -> None:
        """Apply every transition that is due: deliveries, settled pushes (and their events)."""
        now = self.clock()
        for record in self.sms.values():
            if record.status == "Pending" and now >= record.deliver_at:
                record.status = "Delivered"
                self._event({"type": "sms_delivery", "body": self._report(record)})
        for push in self.pushes.values():
            if push.status == "Pending" and push.settle_at is not None and now >= push.settle_at:
                push.status = push.outcome[1]
                push.settled_at = push.settle_at
                self._event({"type": "stk", "body": self.dump(push)})

    def _event(self, event: dict[str, Any]) -> None:
        if self.on_event is None:
            return
        try:
            self.on_event(event)
        except Exception:
            # A broken listener must not turn a sandbox answer into a 500.
            log.exception("UMS sandbox event listener failed")

    def _time(self, at: float, fmt: str) -> str:
        return datetime.fromtimestamp(at, EAT).strftime(fmt)

    # -- auth ------------------------------------------------------------------------------

    def check(self, body: dict[str, Any]) -> None:
        if body.get("api_key") != self.api_key or body.get("email") != self.email:
            raise Refused(401, "Invalid api key or email. Check the api key in your UMS Portal.")

    # -- SMS -------------------------------------------------------------------------------

    def send_sms(self, body: dict[str, Any]) -> dict[str, Any]:
        sender_id = str(body.get("Sender_Id") or "UMS_SMS")
        phone = str(body.get("phone") or "").replace(" ", "")
        message = str(body.get("message") or "")
        if sender_id not in self.sender_ids:
            raise Refused(400, f"Sender id {sender_id} is not active on this account")
        if not KE_MOBILE.match(phone):
            raise Refused(400, f"Invalid phone number {phone or '(empty)'}")
        if not message.strip():
            raise Refused(400, "The message is empty")
        units = sms_units(message)
        if units > self.sms_credit:
            raise Refused(
                422,
                f"Insufficient SMS credit: the message needs {units} units, "
                f"the balance is {self.sms_credit}",
            )
        self.sms_credit -= units
        request_id = str(8403414672158573510 + next(self._ids))
        now = self.clock()
        self.sms[request_id] = SmsRecord(
            request_id, sender_id, phone, message, units, now, now + self.delivery_delay
        )
        return {"success": "200", "massage": "Message sent sucessfully.", "request_id": request_id}

    def balance(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"success": "200", "creditBalance": self.sms_credit}

    def delivery(self, body: dict[str, Any]) -> dict[str, Any]:
        record = self.sms.get(str(body.get("request_id") or ""))
        if record is None:
            raise Refused(404, f"No SMS with request_id {body.get('request_id')}")
        return self._report(record)

    def _report(self, record: SmsRecord) -> dict[str, Any]:
        submitted = self._time(record.submitted_at, "%Y-%m-%d %H:%M:%S")
        return {
            "ResultCode": "200",
            "request_id": record.request_id,
            "submitted_time": submitted,
            "send_time": submitted,
            "sender_id": record.sender_id,
            "recepient": record.phone,
            "sms_unit": record.units,
            "sms_length": len(record.message),
            "sms_type": "text",
            "message": record.message,
            "status": record.status,
        }

    # -- UMS Pay ---------------------------------------------------------------------------

    def initiate_stk(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("account_id") != self.account_id:
            raise Refused(400, f"Invalid account id {body.get('account_id')}")
        reference = str(body.get("reference") or "").strip()
        original = next((p for p in self.pushes.values() if p.reference == reference), None)
        if reference and original is not None:
            return self._initiated(original)
        amount = _amount(body.get("amount"))
        msisdn = KE_MOBILE.match(str(body.get("msisdn") or "").replace(" ", ""))
        if msisdn is None:
            raise Refused(400, f"Invalid msisdn {body.get('msisdn')}")
        number = "254" + msisdn.group(1)
        now = self.clock()
        serial = next(self._ids)
        request_id = f"UMSPID{self._time(now, '%d%m%Y%H%M%S')}{serial % 10_000:04d}"
        suffix = number[-4:]
        push = StkPush(
            request_id=request_id,
            account_id=self.account_id,
            msisdn=number,
            amount=amount,
            reference=reference or request_id,
            created_at=now,
            settle_at=None if suffix == STK_NEVER_ANSWERS else now + self.stk_delay,
            outcome=STK_OUTCOMES.get(suffix, STK_COMPLETED),
            merchant_request_id=f"45695-{1488133 + serial}-1",
            checkout_request_id=f"ws_CO_{request_id.removeprefix('UMSPID')}",
        )
        self.pushes[request_id] = push
        return self._initiated(push)

    def _initiated(self, push: StkPush) -> dict[str, Any]:
        return {
            "success": "200",
            "massage": "Request sent sucessfully.",
            "tranasaction_request_id": push.request_id,
        }

    def status(self, body: dict[str, Any]) -> dict[str, Any]:
        # The document's example key has a trailing space; accept it like the real field.
        fields = {str(key).strip(): value for key, value in body.items()}
        request_id = str(fields.get("tranasaction_request_id") or "")
        push = self.pushes.get(request_id)
        if push is None:
            raise Refused(404, f"Transaction {request_id or '(empty)'} not found")
        code, _, description = push.outcome
        settled = push.status != "Pending"
        return {
            "ResultCode": "200",
            "ResultDesc": description if settled else "Request accepted, waiting for the customer",
            "TransactionID": push.request_id,
            "TransactionStatus": push.status,
            "TransactionCode": str(code) if settled else "",
            "TransactionReceipt": push.receipt if settled and code == 0 else "",
            "TransactionAmount": str(push.amount),
            "Msisdn": push.msisdn,
            "TransactionDate": self._settled_date(push),
            "TransactionReference": push.reference,
        }

    def dump(self, push: StkPush) -> dict[str, Any]:
        """The document's success/error dump for a settled push (what a webhook delivers)."""
        code, _, description = push.outcome
        body: dict[str, Any] = {
            "ResponseCode": code,
            "ResponseDescription": description,
            "MerchantRequestID": push.merchant_request_id,
            "CheckoutRequestID": push.checkout_request_id,
            "TransactionID": push.request_id,
            "TransactionAmount": push.amount,
            "TransactionReference": push.reference,
            "Msisdn": push.msisdn,
        }
        if code == 0:
            body["TransactionReceipt"] = push.receipt
            body["TransactionDate"] = self._settled_date(push)
        return body

    def _settled_date(self, push: StkPush) -> str:
        if push.settled_at is None:
            return ""
        return self._time(push.settled_at, "%Y%m%d%H%M%S")

    # -- ISP hotspot -----------------------------------------------------------------------

    def plans(self, body: dict[str, Any]) -> dict[str, Any]:
        station_id = str(body.get("station_id") or "")
        station = self.stations.get(station_id)
        if station is None:
            raise Refused(404, f"Station {station_id or '(empty)'} not found")
        return {
            "ResultCode": "200",
            "message": f"Request sent successfully. {station_id}",
            **copy.deepcopy(COMPANY),
            "stationData": copy.deepcopy(station),
        }

    def register_voucher(self, body: dict[str, Any]) -> dict[str, Any]:
        plan_code = str(body.get("plan_code") or "")
        found = next(
            (
                (station, plan)
                for station in self.stations.values()
                for plan in station["stationPackages"]
                if plan["planCode"] == plan_code
            ),
            None,
        )
        if found is None:
            raise Refused(404, f"Plan {plan_code or '(empty)'} not found")
        station, plan = found
        code = str(body.get("voucher_code") or "").strip()
        if not VOUCHER_CODE.match(code):
            raise Refused(400, "The voucher code must be 3 to 20 letters or digits")
        key = (station["stationId"], code.upper())
        if key in self.vouchers:
            raise Refused(409, f"Voucher {code} is already registered")
        self.vouchers[key] = Voucher(code, plan_code, station["stationId"], self.clock())
        return {
            "ResultCode": "200",
            "message": "Voucher registered successfully",
            "registeredVoucher": code,
            "stationId": station["stationId"],
            "stationName": station["stationName"],
            "stationLocation": station["stationLocation"],
            "planCode": plan_code,
            "planName": f"{plan['validityPeriod'].upper()} ",
            "planPrice": int(plan["price"]),
        }


def _amount(value: Any) -> int:
    try:
        number = float(str(value).strip())
    except ValueError:
        raise Refused(400, f"Invalid amount {value}") from None
    if not number.is_integer() or not 1 <= number <= STK_MAX_AMOUNT:
        raise Refused(400, f"The amount must be a whole number of KES from 1 to {STK_MAX_AMOUNT}")
    return int(number)
