"""Money-moving purchases through the journal: intent first, then the request, then the outcome.

A timeout or dropped connection is an unknown outcome, not a failure: the row stays unknown
until a look-up by transaction id settles it. A retry looks the id up first and, only when the
server has never seen it, sends the same request again with the same id.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from kiosk.api.catalog_models import Product, PurchaseRequest, PurchaseResult
from kiosk.api.errors import ApiError, NotFound, UnknownOutcome
from kiosk.flows.ports import ProductOps
from kiosk.journal import Entry, Journal, State

# How long a row whose id the server does not know may still be in flight. After that, "not
# found" means the request never arrived and nothing was charged.
NOT_FOUND_GRACE = timedelta(seconds=60)

_LOOKUP_STATES = {
    "COMPLETE": State.SUCCESS,
    "COMPLETED": State.SUCCESS,
    "SUCCESS": State.SUCCESS,
    "FAILED": State.FAILED,
    "CANCELLED": State.FAILED,
    "PENDING": State.INCOMPLETE,
    "INCOMPLETE": State.INCOMPLETE,
    "AWAIT_REFUND": State.INCOMPLETE,
}


def new_transaction_id() -> str:
    """A client-generated id, unique across counters and restarts."""
    return "K" + uuid.uuid4().hex[:19].upper()


@dataclass(frozen=True)
class SaleOutcome:
    entry: Entry
    result: PurchaseResult | None = None
    error: ApiError | None = None

    @property
    def state(self) -> State:
        return self.entry.state

    @property
    def message(self) -> str:
        if self.error is not None:
            return self.error.message
        if self.result is not None and self.result.message:
            return self.result.message
        return self.entry.message


def _state_of(result: PurchaseResult) -> State:
    status = result.status.upper()
    if status == "SUCCESS":
        return State.SUCCESS
    if status == "FAILED":
        return State.FAILED
    return State.INCOMPLETE


class Checkout:
    def __init__(
        self,
        ops: ProductOps,
        journal: Journal,
        *,
        account_code: str,
        operator: str = "",
        new_id: Callable[[], str] = new_transaction_id,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        not_found_grace: timedelta = NOT_FOUND_GRACE,
    ) -> None:
        self.ops = ops
        self.journal = journal
        self.account_code = account_code
        self.operator = operator
        self.new_id = new_id
        self._now = now
        self.not_found_grace = not_found_grace

    async def purchase(
        self,
        product: Product,
        *,
        msisdn: str,
        amount: int,
        product_code: str,
        description: str,
        details: dict[str, str] | None,
        tariff: float | None = None,
        parent_id: str | None = None,
    ) -> SaleOutcome:
        request = PurchaseRequest(
            account_code=self.account_code,
            transaction_id=self.new_id(),
            amount=amount,
            msisdn=msisdn,
            product_code=product_code,
            description=description,
            details=details or None,
        )
        self.journal.record_intent(
            transaction_id=request.transaction_id,
            service="ugmart",
            kind="purchase",
            request=request.model_dump(exclude_none=True),
            product_code=product_code,
            product_name=description,
            product_type=product.type,
            account=msisdn,
            contact=(details or {}).get("contact_phone"),
            amount=amount,
            operator=self.operator,
            parent_id=parent_id,
        )
        return await self._send(request, tariff)

    async def _send(self, request: PurchaseRequest, tariff: float | None) -> SaleOutcome:
        txid = request.transaction_id
        try:
            result = await self.ops.purchase(request)
        except UnknownOutcome as exc:
            self.journal.record_outcome(txid, State.UNKNOWN, message=exc.message)
            settled = await self.settle(txid, allow_resend=False)
            if settled.state is State.UNKNOWN:
                return SaleOutcome(settled.entry, error=exc)
            return settled
        except ApiError as exc:
            entry = self.journal.record_outcome(txid, State.FAILED, message=exc.message)
            return SaleOutcome(entry, error=exc)
        entry = self.journal.record_outcome(
            txid,
            _state_of(result),
            message=result.message,
            response=result.model_dump(mode="json"),
            tariff_charge=result.tariff_charge if result.tariff_charge is not None else tariff,
        )
        return SaleOutcome(entry, result=result)

    async def settle(self, transaction_id: str, *, allow_resend: bool = True) -> SaleOutcome:
        """Settle a row that is not final by looking its id up; resend only if never seen.

        With `allow_resend`, an id the server has not seen is sent again with the same id
        (the retry); without it, such a row becomes failed once it is older than the grace
        period, and stays as it is before that.
        """
        entry = self.journal.get(transaction_id)
        if entry is None:
            raise KeyError(transaction_id)
        if entry.final:
            return SaleOutcome(entry)
        try:
            found: Any = await self.ops.transaction(transaction_id)
        except NotFound:
            if allow_resend:
                self.journal.bump_attempt(transaction_id)
                request = PurchaseRequest.model_validate(entry.request)
                return await self._send(request, entry.tariff_charge)
            if self._now() - entry.created_at >= self.not_found_grace:
                failed = self.journal.record_outcome(
                    transaction_id,
                    State.FAILED,
                    message="The server has no record of it: nothing was charged.",
                )
                return SaleOutcome(failed)
            return SaleOutcome(entry)
        except ApiError as exc:
            return SaleOutcome(entry, error=exc)
        status = str(getattr(found, "status", "")).upper()
        state = _LOOKUP_STATES.get(status, State.UNKNOWN)
        if state is entry.state and state is State.UNKNOWN:
            return SaleOutcome(entry)
        message = getattr(found, "status_message", "") or f"Settled by look-up: {status}"
        settled = self.journal.record_outcome(transaction_id, state, message=message)
        return SaleOutcome(settled)
