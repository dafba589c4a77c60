"""Async client for the UMS API: SMS, UMS Pay (M-Pesa STK push) and hotspot vouchers.

Every call is a POST with the api key and email in the JSON body, so the body is secret and
never logged. Success is a string code "200" in `success` or `ResultCode`; anything else is a
refusal carrying the server's `massage`/`message`.
"""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import SecretStr

from kiosk.api.errors import error_for_status
from kiosk.api.http import checked, message_of, retry_safe_read, transport_error
from kiosk.api.ums_models import (
    HotspotStation,
    SmsBalance,
    SmsDelivery,
    SmsSent,
    StkInitiated,
    StkStatus,
    VoucherRegistered,
)

SERVICE = "UMS"


def _refused(body: Any) -> None:
    if not isinstance(body, dict):
        return
    code = str(body.get("success") or body.get("ResultCode") or "200").strip()
    if code != "200":
        status = int(code) if code.isdigit() and int(code) >= 400 else 400
        raise error_for_status(status, message_of(body, "UMS refused the request"), body)


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

    def _auth(self) -> dict[str, str]:
        return {"api_key": self._api_key.get_secret_value(), "email": self._email}

    async def _post(self, path: str, fields: dict[str, Any], money_id: str | None = None) -> Any:
        try:
            response = await self._http.post(path, json={**self._auth(), **fields})
        except httpx.HTTPError as exc:
            raise transport_error(exc, SERVICE, money_id) from exc
        body = checked(response, SERVICE, money_id)
        _refused(body)
        return body

    @retry_safe_read
    async def _read(self, path: str, fields: dict[str, Any]) -> Any:
        return await self._post(path, fields)

    async def send_sms(self, phone: str, message: str, sender_id: str = "UMS_SMS") -> SmsSent:
        body = await self._post(
            "sms", {"Sender_Id": sender_id, "message": message, "phone": phone}, money_id=phone
        )
        return SmsSent.model_validate(body)

    async def sms_balance(self) -> int:
        return SmsBalance.model_validate(await self._read("smsbalance", {})).credit_balance

    async def sms_delivery(self, request_id: str) -> SmsDelivery:
        body = await self._read("smsdelivery", {"request_id": request_id})
        return SmsDelivery.model_validate(body)

    async def initiate_stk(
        self, account_id: str, amount: int, msisdn: str, reference: str
    ) -> StkInitiated:
        body = await self._post(
            "intiatestk",
            {"account_id": account_id, "amount": str(amount), "msisdn": msisdn,
             "reference": reference},
            money_id=reference,
        )  # fmt: skip
        return StkInitiated.model_validate(body)

    async def transaction_status(self, transaction_request_id: str) -> StkStatus:
        body = await self._read(
            "transactionstatus", {"tranasaction_request_id": transaction_request_id}
        )
        return StkStatus.model_validate(body)

    async def hotspot_plans(self, station_id: str) -> HotspotStation:
        body = await self._read("isp/hostspotplans", {"station_id": station_id})
        return HotspotStation.model_validate(body)

    async def register_voucher(self, plan_code: str, voucher_code: str) -> VoucherRegistered:
        body = await self._post(
            "isp/registervoucher",
            {"plan_code": plan_code, "voucher_code": voucher_code},
            money_id=voucher_code,
        )
        return VoucherRegistered.model_validate(body)
