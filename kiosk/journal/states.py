"""Journal row states and the transitions between them.

    pending ──► success | failed | unknown | incomplete
    unknown ──► success | failed | unknown | incomplete | review
    incomplete ► success | failed | unknown | incomplete | review | await_refund
    review ───► success | failed | await_refund
    await_refund ► refunded | review
    success, failed, refunded: final, never change again

`success` may also move to `await_refund` when a paid-first sale's product could not be
delivered after the payment completed (the payment row owes the customer a refund).
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    PENDING = "pending"
    SUCCESS = "success"
    FAILED = "failed"
    UNKNOWN = "unknown"
    INCOMPLETE = "incomplete"
    REVIEW = "review"
    AWAIT_REFUND = "await_refund"
    REFUNDED = "refunded"


FINAL_STATES = frozenset({State.SUCCESS, State.FAILED, State.REFUNDED})

_UNSETTLED = {State.SUCCESS, State.FAILED, State.UNKNOWN, State.INCOMPLETE}

_MOVES: dict[State, frozenset[State]] = {
    State.PENDING: frozenset(_UNSETTLED),
    State.UNKNOWN: frozenset(_UNSETTLED | {State.REVIEW}),
    State.INCOMPLETE: frozenset(_UNSETTLED | {State.REVIEW, State.AWAIT_REFUND}),
    State.REVIEW: frozenset({State.SUCCESS, State.FAILED, State.AWAIT_REFUND, State.REVIEW}),
    State.AWAIT_REFUND: frozenset({State.REFUNDED, State.REVIEW, State.AWAIT_REFUND}),
    State.SUCCESS: frozenset({State.AWAIT_REFUND}),
    State.FAILED: frozenset(),
    State.REFUNDED: frozenset(),
}


class InvalidTransition(Exception):
    """A state change the table does not allow: a bug, never a normal outcome."""


def can_move(old: State, new: State) -> bool:
    return new in _MOVES[old]
