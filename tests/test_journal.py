"""The journal: intents that survive, outcomes, the transition rules, queries, secrets, schema."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from kiosk.journal import Entry, InvalidTransition, Journal, NewerJournal, State
from kiosk.journal.migrations import MIGRATIONS, migrate

JWT = (
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXUyJ9.eyJleHAiOjE0MzQ3Mjc1MzYsInVzZXJuYW1lIjoia29y"
    "bGVvbiJ9.nh0L_wuJy6ZKIQWh6OrW5hdLkviTs1_bau2GqYdDCB0Y"
)


def intent(journal: Journal, txid: str, **extra: Any) -> Entry:
    fields: dict[str, Any] = {
        "service": "ugmart",
        "kind": "purchase",
        "request": {"transaction_id": txid, "amount": 1000},
        "product_code": "MTN",
        "product_name": "MTN Airtime",
        "product_type": "AIRTIME",
        "account": "0777044237",
        "amount": 1000,
        "operator": "counter-1",
    }
    fields.update(extra)
    return journal.record_intent(transaction_id=txid, **fields)


def set_created(path: Path, txid: str, moment: datetime) -> None:
    """Rows are stamped with the clock; tests that filter by time place them by hand."""
    with sqlite3.connect(path) as db:
        db.execute(
            "UPDATE entries SET created_at = ? WHERE transaction_id = ?",
            (moment.isoformat(timespec="microseconds"), txid),
        )


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "journal.sqlite3"


@pytest.fixture
def journal(path: Path) -> Iterator[Journal]:
    with Journal(path) as opened:
        yield opened


# -- intent and outcome -----------------------------------------------------------------------


def test_an_intent_is_on_disk_before_record_intent_returns(path: Path) -> None:
    journal = Journal(path)
    entry = intent(journal, "K1", contact="0772000000", parent_id=None)
    # Another connection sees it while the journal is still open: it was committed.
    with sqlite3.connect(path) as other:
        assert other.execute("SELECT state FROM entries WHERE transaction_id='K1'").fetchone() == (
            "pending",
        )
    journal.close()
    with Journal(path) as reopened:
        again = reopened.get("K1")
    assert again == entry
    assert again.state is State.PENDING and not again.final
    assert again.request == {"transaction_id": "K1", "amount": 1000}
    assert again.contact == "0772000000" and again.attempts == 1 and again.response is None
    assert again.created_at.tzinfo is not None and again.created_at.utcoffset() == timedelta(0)
    assert timedelta(0) <= again.age < timedelta(minutes=5)


def test_a_transaction_id_is_journaled_once(journal: Journal) -> None:
    intent(journal, "K1")
    with pytest.raises(ValueError, match="K1"):
        intent(journal, "K1", amount=5000)
    with pytest.raises(ValueError):
        intent(journal, "")
    assert journal.count() == 1 and journal.get("K1").amount == 1000


def test_outcome_keeps_the_response_and_tariff(journal: Journal) -> None:
    intent(journal, "K1")
    unknown = journal.record_outcome("K1", State.UNKNOWN, message="timed out")
    assert unknown.state is State.UNKNOWN and unknown.message == "timed out"
    done = journal.record_outcome(
        "K1",
        State.SUCCESS,
        message="Purchase successful",
        response={"status": "SUCCESS", "data": {"token": "4433 2904 5279 0983 7607"}},
        tariff_charge=250.0,
    )
    assert done.state is State.SUCCESS and done.final
    assert done.response == {"status": "SUCCESS", "data": {"token": "4433 2904 5279 0983 7607"}}
    assert done.tariff_charge == 250.0 and done.updated_at >= done.created_at


def test_a_later_outcome_without_a_response_keeps_the_earlier_one(journal: Journal) -> None:
    intent(journal, "K1")
    journal.record_outcome("K1", State.INCOMPLETE, message="queued", response={"id": 7})
    again = journal.record_outcome("K1", State.INCOMPLETE)
    assert again.response == {"id": 7} and again.message == "queued"


def test_an_unknown_id_is_a_key_error(journal: Journal) -> None:
    assert journal.get("nope") is None
    for write in (
        lambda: journal.record_outcome("nope", State.SUCCESS),
        lambda: journal.bump_attempt("nope"),
        lambda: journal.mark_review("nope", "why"),
    ):
        with pytest.raises(KeyError):
            write()


def test_a_retry_counts_attempts_on_the_same_row(journal: Journal) -> None:
    intent(journal, "K1")
    journal.record_outcome("K1", State.UNKNOWN)
    assert journal.bump_attempt("K1").attempts == 2
    assert journal.bump_attempt("K1").attempts == 3
    assert journal.count() == 1


@pytest.mark.parametrize(
    ("path_to", "refused"),
    [
        ([], State.REFUNDED),
        ([], State.AWAIT_REFUND),
        ([State.UNKNOWN], State.PENDING),
        ([State.FAILED], State.SUCCESS),
        ([State.SUCCESS], State.FAILED),
        ([State.SUCCESS], State.UNKNOWN),
        ([State.REVIEW], State.UNKNOWN),
    ],
)
def test_moves_the_table_refuses_change_nothing(
    journal: Journal, path_to: list[State], refused: State
) -> None:
    intent(journal, "K1")
    for state in path_to:
        journal.record_outcome("K1", state, message=f"now {state}")
    before = journal.get("K1")
    with pytest.raises(InvalidTransition):
        journal.record_outcome("K1", refused, message="should not land")
    assert journal.get("K1") == before


@pytest.mark.parametrize("final", [State.SUCCESS, State.FAILED])
def test_a_final_row_written_again_is_left_as_it_was(journal: Journal, final: State) -> None:
    intent(journal, "K1")
    first = journal.record_outcome("K1", final, message="first", response={"n": 1})
    again = journal.record_outcome("K1", final, message="second", response={"n": 2})
    assert again == first == journal.get("K1")
    with pytest.raises(InvalidTransition):
        journal.mark_review("K1", "too late")
    assert journal.get("K1") == first


def test_review_keeps_a_note_and_leaves_the_queue_only_when_settled(journal: Journal) -> None:
    intent(journal, "K1")
    reviewed = journal.mark_review("K1", "crashed before the answer; customer waiting")
    assert reviewed.state is State.REVIEW and "customer waiting" in reviewed.note
    assert [e.transaction_id for e in journal.unresolved()] == ["K1"]
    journal.record_outcome("K1", State.FAILED, message="checked with support")
    assert journal.unresolved() == []


# -- paid-first sales: payment -> purchase -> refund ----------------------------------------


def paid_sale(journal: Journal, sale_state: State) -> None:
    intent(journal, "PAY1", kind="collection", product_type="PAYMENT", amount=5000)
    journal.record_outcome("PAY1", State.SUCCESS, message="paid")
    intent(journal, "SALE1", parent_id="PAY1", amount=5000)
    journal.record_outcome("SALE1", sale_state, message="sale")


def test_a_paid_sale_that_failed_owes_a_refund_once(journal: Journal) -> None:
    paid_sale(journal, State.FAILED)
    owed = journal.record_outcome("PAY1", State.AWAIT_REFUND, message="refund owed")
    assert owed.state is State.AWAIT_REFUND and owed in journal.unresolved()
    intent(journal, "REF1", kind="payout", parent_id="PAY1", amount=5000)
    journal.record_outcome("REF1", State.SUCCESS)
    assert journal.record_outcome("PAY1", State.REFUNDED).state is State.REFUNDED
    assert [e.transaction_id for e in journal.children("PAY1")] == ["SALE1", "REF1"]
    with pytest.raises(InvalidTransition):
        journal.record_outcome("PAY1", State.AWAIT_REFUND)
    assert journal.unresolved() == []


@pytest.mark.parametrize("sale_state", [State.SUCCESS, State.UNKNOWN, State.INCOMPLETE])
def test_no_refund_is_owed_while_the_sale_succeeded_or_may_yet(
    journal: Journal, sale_state: State
) -> None:
    paid_sale(journal, sale_state)
    with pytest.raises(InvalidTransition, match="SALE1"):
        journal.record_outcome("PAY1", State.AWAIT_REFUND)
    assert journal.get("PAY1").state is State.SUCCESS


def test_no_refund_is_owed_again_while_a_refund_payout_is_unsettled(journal: Journal) -> None:
    paid_sale(journal, State.FAILED)
    journal.record_outcome("PAY1", State.AWAIT_REFUND)
    intent(journal, "REF1", kind="payout", parent_id="PAY1", amount=5000)
    journal.record_outcome("REF1", State.UNKNOWN, message="timed out")
    journal.mark_review("PAY1", "refund payout timed out")
    with pytest.raises(InvalidTransition, match="REF1"):
        journal.record_outcome("PAY1", State.AWAIT_REFUND)


# -- queries --------------------------------------------------------------------------------


def test_unresolved_is_every_row_not_final_oldest_first(journal: Journal) -> None:
    outcomes = {
        "A": State.SUCCESS,
        "B": State.UNKNOWN,
        "C": State.FAILED,
        "D": None,
        "E": State.INCOMPLETE,
        "F": State.REVIEW,
    }
    for txid, state in outcomes.items():
        intent(journal, txid)
        if state is not None:
            journal.record_outcome(txid, state)
    assert [e.transaction_id for e in journal.unresolved()] == ["B", "D", "E", "F"]


def test_children_are_the_linked_rows_in_order(journal: Journal) -> None:
    intent(journal, "P")
    intent(journal, "C1", parent_id="P")
    intent(journal, "X")
    intent(journal, "C2", parent_id="P")
    assert [e.transaction_id for e in journal.children("P")] == ["C1", "C2"]
    assert journal.children("X") == []


def test_entries_filter_and_count_alike(journal: Journal, path: Path) -> None:
    day = datetime(2025, 3, 1, tzinfo=UTC)
    rows = [
        ("T1", "ugmart", "purchase", "MTN", "0777044237", State.SUCCESS, day),
        (
            "T2",
            "ugmart",
            "purchase",
            "UMEME",
            "04230640783",
            State.FAILED,
            day + timedelta(hours=2),
        ),
        ("T3", "ums", "stk", "UMS.STK", "254712345678", State.SUCCESS, day + timedelta(hours=5)),
        ("T4", "ugmart", "purchase", "MTN", "0777000001", State.UNKNOWN, day + timedelta(days=1)),
        ("T_5", "ugmart", "purchase", "MTN", "0777000002", State.SUCCESS, day - timedelta(hours=1)),
    ]
    for txid, service, kind, code, account, state, created in rows:
        intent(journal, txid, service=service, kind=kind, product_code=code, account=account)
        journal.record_outcome(txid, state)
        set_created(path, txid, created)

    def ids(**filters: Any) -> list[str]:
        found = [e.transaction_id for e in journal.entries(**filters)]
        assert journal.count(**filters) == len(found)
        return found

    assert ids() == ["T_5", "T4", "T3", "T2", "T1"]
    assert ids(since=day, until=day + timedelta(days=1)) == ["T3", "T2", "T1"]
    # A local-time bound means the same instant as its UTC one.
    east_africa = datetime(2025, 3, 1, 5, tzinfo=UTC).astimezone(timezone(timedelta(hours=3)))
    assert ids(since=east_africa) == ["T4", "T3"]
    assert ids(states=[State.SUCCESS]) == ["T_5", "T3", "T1"]
    assert ids(states=[State.SUCCESS, State.UNKNOWN], kinds=["purchase"]) == ["T_5", "T4", "T1"]
    assert ids(service="ums") == ["T3"]
    assert ids(search="0640") == ["T2"]
    assert ids(search="UMEME") == ["T2"]
    # `_` and `%` are searched for as themselves, not as wildcards.
    assert ids(search="T_") == ["T_5"]
    assert ids(search="%") == []
    assert ids(states=[]) == []


def test_entries_page_newest_first_by_id(journal: Journal) -> None:
    for n in range(23):
        intent(journal, f"K{n:02d}")
    seen: list[str] = []
    before: int | None = None
    while page := journal.entries(limit=5, before_id=before):
        assert len(page) <= 5
        seen.extend(e.transaction_id for e in page)
        before = page[-1].id
    assert seen == [f"K{n:02d}" for n in reversed(range(23))]
    # Rows written while paging do not shift the pages already taken.
    first = journal.entries(limit=5)
    intent(journal, "NEW")
    assert journal.entries(limit=5, before_id=first[-1].id)[0].transaction_id == "K17"


def test_totals_group_by_product_kind_and_state(journal: Journal, path: Path) -> None:
    day = datetime(2025, 3, 1, tzinfo=UTC)
    sales = [
        ("A1", "MTN", "AIRTIME", 1000, State.SUCCESS, None),
        ("A2", "MTN", "AIRTIME", 2500, State.SUCCESS, None),
        ("A3", "MTN", "AIRTIME", 700, State.FAILED, None),
        ("U1", "UMEME", "UTILITIES", 20000, State.SUCCESS, 1180.0),
        ("OUT", "MTN", "AIRTIME", 9999, State.SUCCESS, None),
    ]
    for txid, code, type_, amount, state, tariff in sales:
        intent(journal, txid, product_code=code, product_type=type_, amount=amount)
        journal.record_outcome(txid, state, tariff_charge=tariff)
        set_created(path, txid, day + timedelta(hours=1))
    set_created(path, "OUT", day + timedelta(days=1))
    totals = journal.totals(since=day, until=day + timedelta(days=1))
    assert [
        (r["product_type"], r["product_code"], r["kind"], r["state"], r["count"], r["amount"])
        for r in totals
    ] == [
        ("AIRTIME", "MTN", "purchase", "failed", 1, 700),
        ("AIRTIME", "MTN", "purchase", "success", 2, 3500),
        ("UTILITIES", "UMEME", "purchase", "success", 1, 20000),
    ]
    assert [r["tariff"] for r in totals] == [0, 0, 1180.0]
    assert journal.totals(since=day, until=day, operator="nobody") == []


def test_threads_share_one_journal(journal: Journal) -> None:
    def sell(worker: int) -> None:
        for n in range(10):
            txid = f"W{worker}-{n}"
            intent(journal, txid)
            journal.record_outcome(txid, State.SUCCESS)

    workers = [threading.Thread(target=sell, args=(w,)) for w in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert journal.count(states=[State.SUCCESS]) == 40


# -- secrets --------------------------------------------------------------------------------


def test_secrets_are_never_written_but_the_electricity_token_is(path: Path) -> None:
    with Journal(path) as journal:
        intent(
            journal,
            "K1",
            request={
                "email": "agent@example.com",
                "password": "hunter2-secret",
                "headers": {"Authorization": f"Bearer {JWT}"},
                "items": [{"API_KEY": "VE5MTlkzRk06MTlwNjlkZWM="}, ("jwt", JWT)],
                "amount": 20000,
            },
        )
        entry = journal.record_outcome(
            "K1",
            State.SUCCESS,
            message=f"echo {JWT}",
            response={
                "data": {"token": "4433 2904 5279 0983 7607", "units": "18.6"},
                "session": {"token": JWT, "jwt": "opaque-session"},
            },
        )
        journal.record_callback("ums_stk", "cb-1", {"api_key": "VE5MTlkzRk06MTlwNjlkZWM="}, "K1")
    assert entry.request["password"] == "[redacted]"
    assert entry.request["email"] == "agent@example.com" and entry.request["amount"] == 20000
    assert entry.request["headers"] == {"Authorization": "[redacted]"}
    assert entry.request["items"] == [{"API_KEY": "[redacted]"}, ["jwt", "[redacted]"]]
    assert entry.response["data"] == {"token": "4433 2904 5279 0983 7607", "units": "18.6"}
    assert entry.response["session"] == {"token": "[redacted]", "jwt": "[redacted]"}
    assert entry.message == "echo [redacted]"
    on_disk = b"".join(f.read_bytes() for f in path.parent.iterdir())
    for secret in (b"hunter2-secret", b"VE5MTlkzRk06MTlwNjlkZWM=", b"eyJhbGci", b"opaque-session"):
        assert secret not in on_disk
    assert b"4433 2904 5279 0983 7607" in on_disk


def test_a_review_note_is_scrubbed_too(journal: Journal) -> None:
    intent(journal, "K1")
    assert journal.mark_review("K1", f"server said {JWT}").note == "server said [redacted]"


# -- the file ------------------------------------------------------------------------------


def test_wal_and_full_sync(journal: Journal, path: Path) -> None:
    with sqlite3.connect(path) as other:
        assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    # synchronous is per connection: ask the journal's own.
    assert journal._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def schema_of(path: Path) -> tuple[int, list[tuple[str, str]]]:
    with sqlite3.connect(path) as db:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        names = db.execute(
            "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
    return version, names


def test_an_empty_file_is_created_and_reopening_changes_nothing(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.touch()
    Journal(path).close()
    version, names = schema_of(path)
    assert version == len(MIGRATIONS)
    assert ("table", "entries") in names and ("table", "callbacks") in names
    assert {"entries_created", "entries_state", "entries_kind"} <= {n for _, n in names}
    with Journal(path) as journal:
        intent(journal, "K1")
    Journal(path).close()
    assert schema_of(path) == (version, names)
    with Journal(path) as journal:
        assert journal.get("K1") is not None


def test_an_older_file_is_upgraded_keeping_its_rows(path: Path) -> None:
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path, isolation_level=None) as db:
        migrate(db, MIGRATIONS[:1])
        db.execute(
            "INSERT INTO entries (transaction_id, service, kind, state, request, created_at, "
            "updated_at) VALUES ('OLD1', 'ugmart', 'purchase', 'unknown', '{}', "
            "'2025-01-01T00:00:00.000000+00:00', '2025-01-01T00:00:00.000000+00:00')"
        )
    assert schema_of(path)[0] == 1
    with Journal(path) as journal:
        assert journal.get("OLD1").state is State.UNKNOWN
        assert journal.record_callback("ums_stk", "k", {}, "OLD1")
    assert schema_of(path)[0] == len(MIGRATIONS)


def test_a_failed_upgrade_leaves_the_file_as_it_was(path: Path) -> None:
    path.parent.mkdir(parents=True)

    def broken(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE entries ADD COLUMN terminal TEXT")
        raise RuntimeError("disk pulled")

    with sqlite3.connect(path, isolation_level=None) as db:
        with pytest.raises(RuntimeError):
            migrate(db, [*MIGRATIONS[:1], broken])
        assert db.execute("PRAGMA user_version").fetchone() == (0,)
        assert not db.in_transaction
    assert schema_of(path) == (0, [])


def test_a_column_a_newer_step_adds_does_not_break_reading(path: Path) -> None:
    def add_terminal(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE entries ADD COLUMN terminal TEXT NOT NULL DEFAULT ''")

    with Journal(path) as journal:
        intent(journal, "K1")
    with sqlite3.connect(path, isolation_level=None) as db:
        assert migrate(db, [*MIGRATIONS, add_terminal]) == len(MIGRATIONS) + 1
    # This program does not know version len+1: it refuses rather than guess.
    with pytest.raises(NewerJournal):
        Journal(path)
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
    with Journal(path) as journal:
        assert journal.get("K1").transaction_id == "K1"
