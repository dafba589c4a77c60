"""Async client for every endpoint of the Ugmart API.

The JWT lives in memory only: fetched lazily, refreshed shortly before `expires_in` runs out,
and once more on a 401 ("Expired JWT"), after which the request is sent again once. Safe reads
retry with backoff; money-moving calls never retry by themselves (see http.checked for how an
unclear answer becomes UnknownOutcome). Catalog reads are cached for `catalog_ttl` seconds so a
warm sale costs two calls: validate and purchase.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, SecretStr, ValidationError

from kiosk.api.catalog_models import (
    Choice,
    PriceItem,
    Product,
    ProductValidateRequest,
    ProductValidation,
    PurchaseRequest,
    PurchaseResult,
)
from kiosk.api.errors import BadResponse, UnknownOutcome, error_for_status
from kiosk.api.http import checked, retry_safe_read, transport_error
from kiosk.api.ugmart_models import (
    AccountBalance,
    AccountValidation,
    CardPaymentRequest,
    CardPaymentSession,
    CollectionRequest,
    LoginResult,
    PaymentProvider,
    PayoutRequest,
    SmsRequest,
    SmsResult,
    Transaction,
    TransactionFilter,
    TransactionPage,
    TransferResult,
)

SERVICE = "Ugmart"
M = TypeVar("M", bound=BaseModel)


def _data(body: Any) -> Any:
    if isinstance(body, dict) and "data" in body:
        return body["data"]
    raise BadResponse(f"{SERVICE} answered without the expected `data`")


def _object(body: Any, transaction_id: str | None = None) -> dict[str, Any]:
    if isinstance(body, dict):
        return body
    message = f"{SERVICE} answered with {type(body).__name__}, not an object"
    if transaction_id is not None:
        raise UnknownOutcome(message, transaction_id=transaction_id)
    raise BadResponse(message)


def _parse(model: type[M], data: Any, transaction_id: str | None = None) -> M:
    """Validate a payload; a shape the model cannot take is a clear error, never a crash.

    After a money-moving request such an answer leaves the outcome unknown, not failed.
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        message = f"{SERVICE} answered with data that does not fit {model.__name__}"
        if transaction_id is not None:
            raise UnknownOutcome(message, transaction_id=transaction_id) from exc
        raise BadResponse(message) from exc


def _parse_list(model: type[M], data: Any) -> list[M]:
    if not isinstance(data, list):
        raise BadResponse(f"{SERVICE} answered with {type(data).__name__} where a list was due")
    return [_parse(model, item) for item in data]


def _failed(body: Any) -> None:
    """A 200 whose body says FAILED is still a refusal."""
    if isinstance(body, dict) and str(body.get("status", "")).upper() == "FAILED":
        code = body.get("code")
        status = code if isinstance(code, int) and code >= 400 else 400
        raise error_for_status(status, str(body.get("message") or "Request failed"), body)


class UgmartClient:
    def __init__(
        self,
        base_url: str,
        email: str,
        password: SecretStr,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 20.0,
        catalog_ttl: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._email = email
        self._password = password
        self._clock = clock
        self._catalog_ttl = catalog_ttl
        self._token: SecretStr | None = None
        self._token_expires = 0.0
        self._login_lock = asyncio.Lock()
        self._cache: dict[tuple[str, ...], tuple[float, Any]] = {}
        self._http = httpx.AsyncClient(
            base_url=self.base_url + "/",
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers={"Accept": "application/json"},
        )

    def __repr__(self) -> str:
        return f"UgmartClient(base_url={self.base_url!r}, email={self._email!r})"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> UgmartClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- plumbing --------------------------------------------------------------------------

    async def login(self) -> LoginResult:
        body = await self._exchange(
            "POST",
            "login",
            json={"email": self._email, "password": self._password.get_secret_value()},
            auth=False,
        )
        result = _parse(LoginResult, body)
        self._token = result.token
        # Renew a little before expiry, so a request never leaves with a token about to die.
        margin = min(60.0, result.expires_in * 0.1)
        self._token_expires = self._clock() + result.expires_in - margin
        return result

    async def _bearer(self) -> str:
        async with self._login_lock:
            if self._token is None or self._clock() >= self._token_expires:
                await self.login()
            assert self._token is not None
            return self._token.get_secret_value()

    async def _exchange(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
        auth: bool = True,
        transaction_id: str | None = None,
    ) -> Any:
        """One request (sent again once after a 401 with a fresh token), checked."""
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {await self._bearer()}"} if auth else {}
            try:
                response = await self._http.request(
                    method, path, json=json, params=params, headers=headers
                )
            except httpx.HTTPError as exc:
                raise transport_error(exc, SERVICE, transaction_id) from exc
            if response.status_code == 401 and auth and attempt == 1:
                self._token = None
                continue
            body = checked(response, SERVICE, transaction_id)
            _failed(body)
            return body
        raise AssertionError("unreachable")

    async def _cached(self, key: tuple[str, ...], path: str, params: dict[str, str]) -> Any:
        now = self._clock()
        hit = self._cache.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        data = _data(await self._read(path, params))
        self._cache[key] = (now + self._catalog_ttl, data)
        return data

    @retry_safe_read
    async def _read(self, path: str, params: dict[str, str] | None = None) -> Any:
        return await self._exchange("GET", path, params=params)

    @retry_safe_read
    async def _safe_post(self, path: str, json: dict[str, Any]) -> Any:
        return await self._exchange("POST", path, json=json)

    def clear_cache(self) -> None:
        self._cache.clear()

    # -- payments --------------------------------------------------------------------------

    async def payment_providers(self) -> list[PaymentProvider]:
        data = _data(await self._read("payment-providers"))
        return _parse_list(PaymentProvider, data)

    async def _transfer(self, path: str, req: CollectionRequest | PayoutRequest) -> TransferResult:
        body = await self._exchange(
            "POST", path, json=req.model_dump(exclude_none=True), transaction_id=req.transaction_id
        )
        body = _object(body, req.transaction_id)
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        merged = {
            **data,
            "status": data.get("status") or body.get("status", ""),
            "message": body.get("message", ""),
        }
        merged.setdefault("transaction_id", req.transaction_id)
        return _parse(TransferResult, merged, req.transaction_id)

    async def collection(self, req: CollectionRequest) -> TransferResult:
        return await self._transfer("collection", req)

    async def payout(self, req: PayoutRequest) -> TransferResult:
        return await self._transfer("payout", req)

    async def validate_account(self, provider_id: str, msisdn: str) -> AccountValidation:
        body = await self._safe_post(
            "validate-account", {"provider_id": provider_id, "msisdn": msisdn}
        )
        return _parse(AccountValidation, _data(body))

    async def request_payment(self, req: CardPaymentRequest) -> CardPaymentSession:
        body = await self._exchange(
            "POST", "request-payment", json=req.model_dump(), transaction_id=req.transaction_id
        )
        body = _object(body, req.transaction_id)
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        return _parse(
            CardPaymentSession,
            {**data, "status": body.get("status", ""), "message": body.get("message", "")},
            req.transaction_id,
        )

    async def balances(self) -> list[AccountBalance]:
        return _parse_list(AccountBalance, _data(await self._read("balance")))

    async def balance(self, account_code: str) -> AccountBalance:
        return _parse(AccountBalance, _data(await self._read(f"balance/{account_code}")))

    async def transactions(self, filters: TransactionFilter | None = None) -> TransactionPage:
        params = filters.params() if filters else None
        return _parse(TransactionPage, await self._read("transactions", params))

    async def transaction(self, transaction_id: str) -> Transaction:
        body = await self._read("transactions", {"id": transaction_id})
        return _parse(Transaction, _data(body))

    async def send_sms(self, req: SmsRequest) -> SmsResult:
        body = await self._exchange(
            "POST", "send-sms", json=req.model_dump(), transaction_id=req.transaction_id
        )
        return _parse(SmsResult, body, req.transaction_id)

    # -- products --------------------------------------------------------------------------

    async def products(self) -> list[Product]:
        data = await self._cached(("products",), "products", {})
        return _parse_list(Product, data)

    async def price_list(self, code: str) -> list[PriceItem]:
        data = await self._cached(("price_list", code), "products", {"code": code})
        return _parse_list(PriceItem, data)

    async def choice_list(self, code: str, type: str | None = None) -> list[Choice]:
        params = {"code": code, **({"type": type} if type else {})}
        data = await self._cached(("choice_list", code, type or ""), "products/choice-list", params)
        return _parse_list(Choice, data)

    async def secondary_price_list(self, list_id: str, primary: str) -> list[PriceItem]:
        data = await self._cached(
            ("secondary", list_id, primary),
            "products/secondary-price-list",
            {"id": list_id, "primary": primary},
        )
        return _parse_list(PriceItem, data)

    async def validate_product(self, req: ProductValidateRequest) -> ProductValidation:
        body = await self._safe_post("products/validate", req.model_dump(exclude_none=True))
        return _parse(ProductValidation, _data(body))

    async def purchase(self, req: PurchaseRequest) -> PurchaseResult:
        """Money-moving. SUCCESS, FAILED-as-error, or INCOMPLETE/PENDING returned as is."""
        body = await self._exchange(
            "POST",
            "products/purchase",
            json=req.model_dump(exclude_none=True),
            transaction_id=req.transaction_id,
        )
        body = _object(body, req.transaction_id)
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        merged = {**data, "status": body.get("status", ""), "message": body.get("message", "")}
        merged.setdefault("transaction_id", req.transaction_id)
        return _parse(PurchaseResult, merged, req.transaction_id)
