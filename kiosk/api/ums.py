"""Async client for the UMS API: SMS, UMS Pay (M-Pesa STK push) and ISP hotspot vouchers.

Every call is a POST whose JSON body carries the api key, so no body is ever logged and the key
is scrubbed from anything the server echoes back. Success is `"200"` in `success`/`ResultCode`;
any other code is a refusal with the server's `massage`/`message`.

Safe reads retry with backoff. Money-moving calls (send_sms, initiate_stk, register_voucher)
are sent once: if the answer is lost (timeout, dropped connection, 5xx, unreadable body) they
raise UnknownOutcome, never a failure. initiate_stk is safe to repeat with the same
`reference`: the service answers with the original push.
"""

from __future__ import annotations

import json
import logging
from typing import Any, TypeVar

import httpx
import stamina
from pydantic import BaseModel, SecretStr, ValidationError

from kiosk.api.errors import (
    ApiError,
    BadRequest,
    BadResponse,
    Unavailable,
    UnknownOutcome,
    error_for_status,
)
from kiosk.api.ums_models import (
    HotspotPlansRequest,
    HotspotStation,
    RegisterVoucherRequest,
    SmsBalance,
    SmsBalanceRequest,
    SmsDelivery,
    SmsDeliveryRequest,
    SmsRequest,
    SmsSent,
    StkInitiated,
    StkRequest,
    StkStatus,
    TransactionStatusRequest,
    UmsAuth,
    VoucherRegistered,
    stk_message,
)

SERVICE = "UMS"
log = logging.getLogger("kiosk.api.ums")

Model = TypeVar("Model", bound=BaseModel)

# Requests that never reached the server: nothing can have happened.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)

retry_safe_read = stamina.retry(
    on=(Unavailable, BadResponse), attempts=3, wait_initial=0.2, wait_max=2.0, timeout=30.0
)


def kenyan_mobile(phone: str, *, international: bool) -> str:
    """A Kenyan mobile number as `07XXXXXXXX`/`01XXXXXXXX`, or `2547...`/`2541...`.

    Only the shape is checked (country, length, 7/1 prefix): whether the line is real is the
    service's call, and phonenumbers' metadata lags the operators.
    """
    import phonenumbers  # its metadata is large; loaded on the first number, not at start-up

    raw = "".join(ch for ch in phone if not ch.isspace() and ch not in "-()")
    if raw.startswith("254"):
        raw = "+" + raw
    try:
        number = phonenumbers.parse(raw, "KE")
    except phonenumbers.NumberParseException as exc:
        raise BadRequest(f"{phone!r} is not a phone number") from exc
    national = str(number.national_number)
    if number.country_code != 254 or len(national) != 9 or national[0] not in "17":
        raise BadRequest(f"{phone!r} is not a Kenyan mobile number (07XXXXXXXX or 2547XXXXXXXX)")
    return f"254{national}" if international else f"0{national}"


def _code(body: dict[str, Any]) -> str | None:
    for key in ("success", "ResultCode"):
        if key in body and body[key] is not None:
            return str(body[key]).strip()
    return None


class UmsClient:
    def __init__(
        self,
        base_url: str,
        api_key: SecretStr,
        email: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 20.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._email = email
        self._http = httpx.AsyncClient(
            base_url=self.base_url + "/",
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers={"Accept": "application/json"},
        )

    def __repr__(self) -> str:
        return f"UmsClient(base_url={self.base_url!r}, email={self._email!r})"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> UmsClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- SMS -------------------------------------------------------------------------------

    async def send_sms(self, phone: str, message: str, sender_id: str = "UMS_SMS") -> SmsSent:
        req = SmsRequest(
            **self._auth(),
            sender_id=sender_id,
            message=message,
            phone=kenyan_mobile(phone, international=False),
        )
        return await self._send("sms", req, SmsSent, money_id=None)

    async def sms_balance(self) -> int:
        balance = await self._read("smsbalance", SmsBalanceRequest(**self._auth()), SmsBalance)
        return balance.credit_balance

    async def sms_delivery(self, request_id: str) -> SmsDelivery:
        req = SmsDeliveryRequest(**self._auth(), request_id=request_id)
        return await self._read("smsdelivery", req, SmsDelivery)

    # -- UMS Pay ---------------------------------------------------------------------------

    async def initiate_stk(
        self, account_id: str, amount: int, msisdn: str, reference: str
    ) -> StkInitiated:
        req = StkRequest(
            **self._auth(),
            account_id=account_id,
            amount=amount,
            msisdn=kenyan_mobile(msisdn, international=True),
            reference=reference,
        )
        return await self._send("intiatestk", req, StkInitiated, money_id=reference)

    async def transaction_status(self, transaction_request_id: str) -> StkStatus:
        req = TransactionStatusRequest(
            **self._auth(), transaction_request_id=transaction_request_id
        )
        return await self._read("transactionstatus", req, StkStatus)

    # -- ISP hotspot -----------------------------------------------------------------------

    async def hotspot_plans(self, station_id: str) -> HotspotStation:
        req = HotspotPlansRequest(**self._auth(), station_id=station_id)
        return await self._read("isp/hostspotplans", req, HotspotStation)

    async def register_voucher(self, plan_code: str, voucher_code: str) -> VoucherRegistered:
        req = RegisterVoucherRequest(**self._auth(), plan_code=plan_code, voucher_code=voucher_code)
        return await self._send(
            "isp/registervoucher", req, VoucherRegistered, money_id=voucher_code
        )

    # -- plumbing --------------------------------------------------------------------------

    def _auth(self) -> dict[str, Any]:
        return {"api_key": self._api_key, "email": self._email}

    @retry_safe_read
    async def _read(self, path: str, req: UmsAuth, model: type[Model]) -> Model:
        return await self._exchange(path, req, model, money=False, money_id=None)

    async def _send(
        self, path: str, req: UmsAuth, model: type[Model], *, money_id: str | None
    ) -> Model:
        return await self._exchange(path, req, model, money=True, money_id=money_id)

    async def _exchange(
        self, path: str, req: UmsAuth, model: type[Model], *, money: bool, money_id: str | None
    ) -> Model:
        try:
            response = await self._http.post(path, json=req.wire())
        except httpx.HTTPError as exc:
            raise self._transport_error(path, exc, money, money_id) from exc
        log.debug("%s %s -> HTTP %s", SERVICE, path, response.status_code)
        body = self._body(path, response, money, money_id)
        try:
            return model.model_validate(body)
        except ValidationError as exc:
            fields = ", ".join(str(err["loc"][0]) for err in exc.errors() if err["loc"])
            message = f"{SERVICE} {path} answered without the expected fields ({fields})"
            if money:
                raise UnknownOutcome(message, transaction_id=money_id) from None
            raise BadResponse(message, status=response.status_code) from None

    def _transport_error(
        self, path: str, exc: httpx.HTTPError, money: bool, money_id: str | None
    ) -> ApiError:
        kind = type(exc).__name__
        if isinstance(exc, _NOT_SENT):
            return Unavailable(f"Cannot reach {SERVICE} ({kind})")
        if money:
            return UnknownOutcome(
                f"No answer from {SERVICE} {path} after the request was sent ({kind})",
                transaction_id=money_id,
            )
        return Unavailable(f"{SERVICE} did not answer ({kind})")

    def _body(
        self, path: str, response: httpx.Response, money: bool, money_id: str | None
    ) -> dict[str, Any]:
        """The decoded JSON object, or the typed error the answer stands for."""
        status = response.status_code
        refused = 400 <= status < 500
        try:
            body = response.json()
        except ValueError:
            kind = response.headers.get("content-type", "unknown content").split(";")[0]
            message = f"{SERVICE} {path} answered HTTP {status} with {kind}, not JSON"
            if refused:
                raise error_for_status(status, message) from None
            if money:
                raise UnknownOutcome(message, transaction_id=money_id, status=status) from None
            raise BadResponse(message, status=status) from None
        if not isinstance(body, dict):
            message = f"{SERVICE} {path} answered HTTP {status} with JSON that is not an object"
            if money and not refused:
                raise UnknownOutcome(message, transaction_id=money_id, status=status)
            raise BadResponse(message, status=status)
        body = self._scrub(body)
        code = _code(body)
        if not refused and status < 500 and (code is None or code.startswith("2")):
            self._check_stk_refusal(body)
            return body
        if code is not None and code.isdigit() and int(code) >= 400:
            status = int(code) if status < 400 else status
        message = self._message(body, f"{SERVICE} {path} refused the request (HTTP {status})")
        if status >= 500:
            if money:
                raise UnknownOutcome(message, transaction_id=money_id, status=status, payload=body)
            raise Unavailable(message, status=status, payload=body)
        raise error_for_status(max(status, 400), message, body)

    @staticmethod
    def _check_stk_refusal(body: dict[str, Any]) -> None:
        """A push answered with an M-Pesa ResponseCode and no request id was never sent."""
        code = body.get("ResponseCode")
        if code is None or "tranasaction_request_id" in body:
            return
        try:
            number = int(str(code).strip())
        except ValueError:
            return
        if number != 0:
            fallback = str(body.get("ResponseDescription") or "")
            raise BadRequest(stk_message(number, fallback), payload=body)

    @staticmethod
    def _message(body: dict[str, Any], default: str) -> str:
        for key in ("massage", "message", "ResponseDescription", "ResultDesc"):
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
        return default

    def _scrub(self, body: dict[str, Any]) -> dict[str, Any]:
        """Drop the api key from anything the server echoes, so no error can carry it."""
        secret = self._api_key.get_secret_value()
        text = json.dumps(body)
        if not secret or secret not in text:
            return body
        return json.loads(text.replace(secret, "***"))
