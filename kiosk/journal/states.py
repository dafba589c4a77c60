"""Journal row states and the transitions between them.

    pending ─────► success | failed | unknown | incomplete | review
    unknown ─────► success | failed | unknown | incomplete | review
    incomplete ──► success | failed | unknown | incomplete | review | await_refund
    review ──────► success | failed | review | await_refund
    await_refund ► refunded | review | await_refund
    success ─────► await_refund (only)
    failed, refunded: never change again

Any state that is not final may also be written again with itself (a newer message or
response). Nothing moves back to `pending`: once something is known of a request, it stays known.

`success` is final for every purpose but one: a paid-first sale's *payment* row moves to
`await_refund` when the sale it paid for failed (the customer is owed the money back). The
journal allows that move only while no sale linked to the row succeeded or may still succeed
(see `Journal.record_outcome`), so a delivered sale is never also refunded.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    PENDING = "pending"  # intent committed, outcome not known yet (a crash leaves this)
    SUCCESS = "success"
    FAILED = "failed"  # refused by the server / not found on look-up: nothing charged
    UNKNOWN = "unknown"  # sent, no clear answer (timeout, drop, 5xx): resolve by look-up
    INCOMPLETE = "incomplete"  # accepted by the server, not final yet
    REVIEW = "review"  # marked for manual review with a note
    AWAIT_REFUND = "await_refund"  # customer paid, the sale failed: refund owed
    REFUNDED = "refunded"


FINAL_STATES = frozenset({State.SUCCESS, State.FAILED, State.REFUNDED})

_SETTLING = frozenset({State.SUCCESS, State.FAILED, State.UNKNOWN, State.INCOMPLETE})

_MOVES: dict[State, frozenset[State]] = {
    State.PENDING: _SETTLING | {State.REVIEW},
    State.UNKNOWN: _SETTLING | {State.REVIEW},
    State.INCOMPLETE: _SETTLING | {State.REVIEW, State.AWAIT_REFUND},
    State.REVIEW: frozenset({State.SUCCESS, State.FAILED, State.REVIEW, State.AWAIT_REFUND}),
    State.AWAIT_REFUND: frozenset({State.REFUNDED, State.REVIEW, State.AWAIT_REFUND}),
    State.SUCCESS: frozenset({State.AWAIT_REFUND}),
    State.FAILED: frozenset(),
    State.REFUNDED: frozenset(),
}


class InvalidTransition(Exception):
    """A state change the table does not allow: a bug, never a normal outcome."""


def can_move(old: State, new: State) -> bool:
    """Whether a row in `old` may be written as `new` (the table in this module's docstring)."""
    old, new = State(old), State(new)
    if old is new:
        return old not in FINAL_STATES
    return new in _MOVES[old]
