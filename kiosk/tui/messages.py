"""Messages screens post to the app."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class SaleFinished(Message):
    """A sale reached its result: the float changed (or may have), so the app refreshes it."""

    transaction_id: str
    outcome: str
