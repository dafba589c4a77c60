"""The transition table, and random runs of intents, outcomes and reopens against a real file."""

from __future__ import annotations

import itertools
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from kiosk.journal import FINAL_STATES, InvalidTransition, Journal, State, can_move

# Written out here, not derived from the module, so a change to the table has to change a test.
NEVER_CHANGE = {State.FAILED, State.REFUNDED}


def test_final_states() -> None:
    assert {State.SUCCESS, State.FAILED, State.REFUNDED} == FINAL_STATES


@pytest.mark.parametrize("state", list(State))
def test_same_state_only_while_not_final(state: State) -> None:
    assert can_move(state, state) is (state not in FINAL_STATES)


@pytest.mark.parametrize("old", list(State))
@pytest.mark.parametrize("new", list(State))
def test_the_table(old: State, new: State) -> None:
    if old is new:
        return
    if old in NEVER_CHANGE:
        assert not can_move(old, new)
    elif old is State.SUCCESS:
        assert can_move(old, new) is (new is State.AWAIT_REFUND)
    elif new is State.PENDING:
        assert not can_move(old, new)
    elif new is State.REFUNDED:
        assert can_move(old, new) is (old is State.AWAIT_REFUND)
    else:
        expected = {
            State.PENDING: {State.SUCCESS, State.FAILED, State.UNKNOWN, State.INCOMPLETE},
            State.UNKNOWN: {State.SUCCESS, State.FAILED, State.INCOMPLETE},
            State.INCOMPLETE: {State.SUCCESS, State.FAILED, State.UNKNOWN, State.AWAIT_REFUND},
            State.REVIEW: {State.SUCCESS, State.FAILED, State.AWAIT_REFUND},
            State.AWAIT_REFUND: set(),
        }[old] | {State.REVIEW}
        assert can_move(old, new) is (new in expected)


def test_plain_strings_are_states() -> None:
    assert can_move("pending", "success") and not can_move("failed", "failed")


IDS = st.sampled_from([f"K{n}" for n in range(12)])


class JournalRun(RuleBasedStateMachine):
    """Random writes, with reopens between them, checked against what was recorded."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="journal-states-"))
        self.path = self.folder / "journal.sqlite3"
        self.journal = Journal(self.path)
        self.recorded: set[str] = set()
        self.parents: dict[str, str | None] = {}
        # Every state each row has been seen in, in order (consecutive repeats folded).
        self.history: dict[str, list[State]] = {}

    def teardown(self) -> None:
        self.journal.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def seen(self, txid: str) -> None:
        entry = self.journal.get(txid)
        assert entry is not None, f"{txid} was recorded and is gone"
        states = self.history[txid]
        if states[-1] is not entry.state:
            states.append(entry.state)

    @rule(txid=IDS, parent=st.none() | IDS)
    def record_intent(self, txid: str, parent: str | None) -> None:
        if txid in self.recorded:
            with pytest.raises(ValueError):
                self.journal.record_intent(
                    transaction_id=txid, service="ugmart", kind="purchase", request={}
                )
            return
        entry = self.journal.record_intent(
            transaction_id=txid,
            service="ugmart",
            kind="purchase",
            request={"transaction_id": txid},
            amount=1000,
            parent_id=parent,
        )
        assert entry.state is State.PENDING
        self.recorded.add(txid)
        self.parents[txid] = parent
        self.history[txid] = [State.PENDING]

    def refund_blocked(self, txid: str) -> bool:
        """A refund is owed only while every row linked under this one has failed."""
        return any(
            self.journal.get(child).state is not State.FAILED
            for child, parent in self.parents.items()
            if parent == txid
        )

    @precondition(lambda self: self.recorded)
    @rule(data=st.data(), new=st.sampled_from(list(State)))
    def record_outcome(self, data: st.DataObject, new: State) -> None:
        txid = data.draw(st.sampled_from(sorted(self.recorded)))
        before = self.journal.get(txid)
        allowed = can_move(before.state, new) and not (
            new is State.AWAIT_REFUND and before.state is not new and self.refund_blocked(txid)
        )
        if before.final and before.state is new:
            assert self.journal.record_outcome(txid, new, message="again") == before
        elif allowed:
            after = self.journal.record_outcome(txid, new, message=f"to {new}")
            assert after.state is new and after.message == f"to {new}"
        else:
            with pytest.raises(InvalidTransition):
                self.journal.record_outcome(txid, new, message="refused")
            assert self.journal.get(txid) == before
        self.seen(txid)

    @precondition(lambda self: self.recorded)
    @rule(data=st.data())
    def mark_review(self, data: st.DataObject) -> None:
        txid = data.draw(st.sampled_from(sorted(self.recorded)))
        before = self.journal.get(txid)
        if before.final:
            with pytest.raises(InvalidTransition):
                self.journal.mark_review(txid, "look")
            assert self.journal.get(txid) == before
        else:
            assert self.journal.mark_review(txid, "look").note == "look"
        self.seen(txid)

    @precondition(lambda self: self.recorded)
    @rule(data=st.data())
    def bump_attempt(self, data: st.DataObject) -> None:
        txid = data.draw(st.sampled_from(sorted(self.recorded)))
        before = self.journal.get(txid)
        after = self.journal.bump_attempt(txid)
        assert after.attempts == before.attempts + 1 and after.state is before.state

    @rule()
    def reopen(self) -> None:
        self.journal.close()
        self.journal = Journal(self.path)

    @invariant()
    def every_intent_is_present_once(self) -> None:
        ids = [e.transaction_id for e in self.journal.entries(limit=1000)]
        assert len(ids) == len(set(ids)) == self.journal.count()
        assert set(ids) == self.recorded
        for txid in self.recorded:
            self.seen(txid)

    @invariant()
    def histories_obey_the_table(self) -> None:
        for txid, states in self.history.items():
            assert states[0] is State.PENDING
            for old, new in itertools.pairwise(states):
                assert can_move(old, new), (txid, states)
                assert old not in NEVER_CHANGE, (txid, states)
                if old is State.SUCCESS:
                    assert new is State.AWAIT_REFUND, (txid, states)

    @invariant()
    def unresolved_is_what_is_not_final(self) -> None:
        expected = sorted(t for t in self.recorded if self.history[t][-1] not in FINAL_STATES)
        assert sorted(e.transaction_id for e in self.journal.unresolved()) == expected


JournalRun.TestCase.settings = settings(max_examples=40, stateful_step_count=30, deadline=None)
test_journal_run = JournalRun.TestCase
