"""Settle every journal row that is not final, by looking its id up on the server.

Runs on start, on demand (`kiosk reconcile`) and before any retry. Each (service, kind) has a
resolver; a row no resolver knows is left as it is and reported, never dropped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass

from kiosk.api.errors import ApiError
from kiosk.flows.checkout import Checkout
from kiosk.journal import Entry, Journal, State

Resolver = Callable[[Entry], Awaitable[Entry]]


@dataclass(frozen=True)
class Settled:
    before: Entry
    after: Entry
    error: str = ""

    @property
    def changed(self) -> bool:
        return self.before.state is not self.after.state


def purchase_resolver(checkout: Checkout) -> Resolver:
    async def resolve(entry: Entry) -> Entry:
        return (await checkout.settle(entry.transaction_id, allow_resend=False)).entry

    return resolve


async def reconcile(
    journal: Journal,
    resolvers: dict[tuple[str, str], Resolver],
    *,
    only: Collection[str] | None = None,
) -> list[Settled]:
    """Look every unsettled row up (or just the ids in `only`). Rows marked for review or owed a
    refund wait for a person, so they are reported, never looked up and overwritten."""
    settled: list[Settled] = []
    for entry in journal.unresolved():
        if only is not None and entry.transaction_id not in only:
            continue
        if entry.state in (State.REVIEW, State.AWAIT_REFUND):
            if only is not None:
                settled.append(Settled(entry, entry, f"{entry.state.value}: settled by hand"))
            continue
        resolver = resolvers.get((entry.service, entry.kind))
        if resolver is None:
            settled.append(Settled(entry, entry, f"no resolver for {entry.service}/{entry.kind}"))
            continue
        try:
            after = await resolver(entry)
        except ApiError as exc:
            settled.append(Settled(entry, entry, exc.message))
            continue
        settled.append(Settled(entry, after))
        _owe_refund_if_paid(journal, after)
    return settled


def _owe_refund_if_paid(journal: Journal, sale: Entry) -> None:
    """A paid-first purchase that turned out failed: its payment goes to the refund queue."""
    if sale.kind != "purchase" or sale.state is not State.FAILED or not sale.parent_id:
        return
    payment = journal.get(sale.parent_id)
    if payment is not None and payment.state is State.SUCCESS:
        journal.record_outcome(
            payment.transaction_id,
            State.AWAIT_REFUND,
            message=f"Refund owed: purchase {sale.transaction_id} failed ({sale.message})",
        )
