"""Async client for every endpoint of the Ugmart API.

The JWT lives in memory only: fetched lazily, renewed shortly before `expires_in` runs out,
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
from urllib.parse import quote

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
from kiosk.api.errors import AuthError, BadResponse, NotFound, UnknownOutcome
from kiosk.api.http import checked, log_exchange, retry_safe_read, transport_error
from kiosk.api.ugmart_models import (
    AccountBalance,
    AccountValidateRequest,
    AccountValidation,
    CardPaymentRequest,
    CardPaymentSession,
    CollectionRequest,
    Envelope,
    LoginRequest,
    LoginResult,
    PaymentProvider,
    PayoutRequest,
    SmsRequest,
    SmsResult,
    Transaction,
    TransactionFilter,
    TransactionPage,
    TransferResult,
    result_fields,
    wire,
)

SERVICE = "Ugmart"
# Renew the token this long (at most a tenth of its life) before the server would expire it,
# so a request never leaves with a token about to die.
REFRESH_MARGIN = 60.0

M = TypeVar("M", bound=BaseModel)


def _parse(model: type[M], data: Any, transaction_id: str | None = None) -> M:
    """Validate a payload; a shape the model cannot take is a clear error, never a crash.

    After a money-moving request such an answer leaves the outcome unknown, not failed. The
    message names the fields only: payload values (tokens, customer data) stay out of it.
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        where = "; ".join(
            f"{'.'.join(map(str, error['loc'])) or 'body'}: {error['msg']}"
            for error in exc.errors(include_url=False, include_input=False)[:3]
        )
        message = f"{SERVICE} answered with data that does not fit {model.__name__} ({where})"
        if transaction_id is not None:
            raise UnknownOutcome(message, transaction_id=transaction_id) from None
        raise BadResponse(message) from None


def _money_result(model: type[M], body: Any, transaction_id: str) -> M:
    """The flat result of a money call (data.status, when present, is the status).

    No clear answer leaves the outcome unknown: not an object, no status, or data saying
    FAILED under a body that does not (a body saying FAILED was raised as a refusal already).
    SUCCESS needs the body to say so too, or the result keeps the body's unfinished status.
    """
    said = str(body.get("status") or "").upper() if isinstance(body, dict) else ""
    if not said:
        raise UnknownOutcome(
            f"{SERVICE} answered without a status ({type(body).__name__})",
            transaction_id=transaction_id,
        )
    fields = result_fields(body)
    status = str(fields.get("status") or "").upper()
    if status == "FAILED":
        raise UnknownOutcome(
            f"{SERVICE} answered {body['status']!r} with data saying FAILED",
            transaction_id=transaction_id,
        )
    if status == "SUCCESS" and said != "SUCCESS":
        fields["status"] = body["status"]
    fields.setdefault("transaction_id", transaction_id)
    return _parse(model, fields, transaction_id)


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
        self._cache: dict[tuple[str, ...], tuple[float, list[Any]]] = {}
        self._http = httpx.AsyncClient(
            base_url=self.base_url + "/",
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers={"Accept": "application/json", "Content-Type": "application/json"},
        )

    def __repr__(self) -> str:
        return f"UgmartClient(base_url={self.base_url!r}, email={self._email!r})"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> UgmartClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- auth and plumbing -----------------------------------------------------------------

    async def login(self) -> LoginResult:
        request = LoginRequest(email=self._email, password=self._password)
        body = await self._exchange("POST", "login", json=wire(request), auth=False)
        result = _parse(LoginResult, body)
        self._token = result.token
        margin = min(REFRESH_MARGIN, result.expires_in * 0.1)
        self._token_expires = self._clock() + result.expires_in - margin
        return result

    async def _bearer(self) -> str:
        async with self._login_lock:
            if self._token is None or self._clock() >= self._token_expires:
                await self.login()
            assert self._token is not None
            return self._token.get_secret_value()

    def _forget(self, token: str) -> None:
        # Only the token that was refused: a concurrent request may already have a new one.
        if self._token is not None and self._token.get_secret_value() == token:
            self._token = None

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
        """One request, checked; after a 401 it is sent once more with a fresh token (a
        refused token means the server did nothing, so that is safe even for money)."""
        for attempt in (1, 2):
            token = await self._bearer() if auth else ""
            headers = {"Authorization": f"Bearer {token}"} if auth else {}
            started = time.perf_counter()
            try:
                response = await self._http.request(
                    method, path, json=json, params=params, headers=headers
                )
            except httpx.HTTPError as exc:
                elapsed = (time.perf_counter() - started) * 1000
                log_exchange(SERVICE, method, path, type(exc).__name__, elapsed, transaction_id)
                raise transport_error(exc, SERVICE, transaction_id) from exc
            elapsed = (time.perf_counter() - started) * 1000
            log_exchange(SERVICE, method, path, response.status_code, elapsed, transaction_id)
            try:
                return checked(response, SERVICE, transaction_id)
            except AuthError:
                if not auth or attempt == 2:
                    raise
                self._forget(token)
        raise AssertionError("unreachable")

    @retry_safe_read
    async def _read(self, path: str, params: dict[str, str] | None = None) -> Any:
        return await self._exchange("GET", path, params=params)

    @retry_safe_read
    async def _safe_post(self, path: str, json: dict[str, Any]) -> Any:
        return await self._exchange("POST", path, json=json)

    async def _catalog(
        self, key: tuple[str, ...], path: str, params: dict[str, str], model: type[M]
    ) -> list[M]:
        hit = self._cache.get(key)
        if hit is not None and hit[0] > self._clock():
            return list(hit[1])
        envelope = Envelope[list[model]]  # type: ignore[valid-type]
        items = _parse(envelope, await self._read(path, params)).data
        self._cache[key] = (self._clock() + self._catalog_ttl, items)
        return list(items)

    def clear_cache(self) -> None:
        self._cache.clear()

    async def _money(self, path: str, req: BaseModel, transaction_id: str) -> Any:
        return await self._exchange("POST", path, json=wire(req), transaction_id=transaction_id)

    # -- payments --------------------------------------------------------------------------

    async def payment_providers(self) -> list[PaymentProvider]:
        body = await self._read("payment-providers")
        return _parse(Envelope[list[PaymentProvider]], body).data

    async def collection(self, req: CollectionRequest) -> TransferResult:
        """Money-moving: asks the payer to approve; the result is usually PENDING."""
        body = await self._money("collection", req, req.transaction_id)
        return _money_result(TransferResult, body, req.transaction_id)

    async def payout(self, req: PayoutRequest) -> TransferResult:
        """Money-moving: sends money from the collection account's wallet."""
        body = await self._money("payout", req, req.transaction_id)
        return _money_result(TransferResult, body, req.transaction_id)

    async def validate_account(self, provider_id: str, msisdn: str) -> AccountValidation:
        request = AccountValidateRequest(provider_id=provider_id, msisdn=msisdn)
        body = await self._safe_post("validate-account", wire(request))
        return _parse(Envelope[AccountValidation], body).data

    async def request_payment(self, req: CardPaymentRequest) -> CardPaymentSession:
        """Money-moving: opens a card payment session (PENDING, with the payment URL)."""
        body = await self._money("request-payment", req, req.transaction_id)
        return _money_result(CardPaymentSession, body, req.transaction_id)

    async def balances(self) -> list[AccountBalance]:
        return _parse(Envelope[list[AccountBalance]], await self._read("balance")).data

    async def balance(self, account_code: str) -> AccountBalance:
        body = await self._read(f"balance/{quote(account_code, safe='')}")
        return _parse(Envelope[AccountBalance], body).data

    async def transactions(self, filters: TransactionFilter | None = None) -> TransactionPage:
        params = filters.params() if filters else None
        return _parse(TransactionPage, await self._read("transactions", params))

    async def transaction(self, transaction_id: str) -> Transaction:
        """The server's record of one transaction; NotFound only when the server says it has
        none (a resend is decided on that, so an odd answer is BadResponse instead)."""
        body = await self._read("transactions", {"id": transaction_id})
        if not isinstance(body, dict) or "data" not in body:
            raise BadResponse(f"{SERVICE} answered a transaction look-up without `data`")
        data = body["data"]
        if isinstance(data, list) and data:
            data = next(
                (row for row in data if isinstance(row, dict) and _id_of(row) == transaction_id),
                None,
            )
            if data is None:
                raise BadResponse(f"{SERVICE} answered the look-up of {transaction_id} with others")
        if not data:
            raise NotFound(f"Transaction '{transaction_id}' not found", payload=body)
        return _parse(Transaction, data)

    async def send_sms(self, req: SmsRequest) -> SmsResult:
        """Money-moving: the SMS is charged to the collection account."""
        body = await self._money("send-sms", req, req.transaction_id)
        return _money_result(SmsResult, body, req.transaction_id)

    # -- products --------------------------------------------------------------------------

    async def products(self) -> list[Product]:
        return await self._catalog(("products",), "products", {}, Product)

    async def price_list(self, code: str) -> list[PriceItem]:
        return await self._catalog(("price_list", code), "products", {"code": code}, PriceItem)

    async def choice_list(self, code: str, type: str | None = None) -> list[Choice]:
        params = {"code": code, **({"type": type} if type else {})}
        key = ("choice_list", code, type or "")
        return await self._catalog(key, "products/choice-list", params, Choice)

    async def secondary_price_list(self, list_id: str, primary: str) -> list[PriceItem]:
        params = {"id": list_id, "primary": primary}
        key = ("secondary_price_list", list_id, primary)
        return await self._catalog(key, "products/secondary-price-list", params, PriceItem)

    async def validate_product(self, req: ProductValidateRequest) -> ProductValidation:
        body = await self._safe_post("products/validate", wire(req))
        return _parse(Envelope[ProductValidation], body).data

    async def purchase(self, req: PurchaseRequest) -> PurchaseResult:
        """Money-moving. SUCCESS is returned, FAILED raised as the typed error its code names,
        INCOMPLETE/PENDING returned as is (the journal settles them by look-up)."""
        body = await self._money("products/purchase", req, req.transaction_id)
        return _money_result(PurchaseResult, body, req.transaction_id)


def _id_of(row: dict[str, Any]) -> str:
    return str(row.get("transaction_id", ""))
