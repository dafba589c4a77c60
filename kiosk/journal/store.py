"""The journal: a durable SQLite record of every money-moving request.

The intent is committed (WAL, synchronous=FULL) before the request is sent, the outcome
after; a crash at any point leaves a row that says what is known. No secret is stored:
password, api key, Authorization and JWT-looking values are scrubbed before writing. (The
electricity `token` of a UMEME receipt is a receipt value, not a secret, and is kept.)
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.journal.migrations import migrate
from kiosk.journal.states import FINAL_STATES, InvalidTransition, State, can_move

# Exact key names (any case). Not `token`: UMEME's purchase `token` is the electricity token
# printed on the receipt; a JWT under that or any other key is caught by its shape instead.
SECRET_KEYS = frozenset({"password", "api_key", "apikey", "authorization", "jwt", "secret"})
# A JWT: three base64url segments, the first a JSON header (so it starts with "eyJ"); the
# signature may be empty (alg "none").
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
REDACTED = "[redacted]"


def scrub(value: Any) -> Any:
    """A copy of `value` with every secret key's value and every JWT-looking string replaced."""
    if isinstance(value, dict):
        return {
            key: REDACTED if str(key).lower() in SECRET_KEYS else scrub(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    if isinstance(value, str):
        return _JWT.sub(REDACTED, value)
    return value


def _dump(value: dict[str, Any]) -> str:
    # default=str: a stray Decimal or datetime in a request must not stop the intent being kept.
    return json.dumps(scrub(value), default=str)


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    """ISO UTC text of one fixed width, so text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Entry:
    id: int
    transaction_id: str
    service: str
    kind: str
    product_code: str
    product_name: str
    product_type: str
    account: str
    contact: str | None
    amount: int
    currency: str
    tariff_charge: float | None
    state: State
    message: str
    request: dict[str, Any]
    response: dict[str, Any] | None
    operator: str
    parent_id: str | None
    note: str
    attempts: int
    created_at: datetime
    updated_at: datetime

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def age(self) -> timedelta:
        return _now() - self.created_at

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Entry:
        # By name, so columns a later schema adds do not break an older reader.
        data = {field.name: row[field.name] for field in fields(cls)}
        data["state"] = State(data["state"])
        data["request"] = json.loads(data["request"])
        data["response"] = json.loads(data["response"]) if data["response"] else None
        data["created_at"] = datetime.fromisoformat(data["created_at"])
        data["updated_at"] = datetime.fromisoformat(data["updated_at"])
        return cls(**data)


class Journal:
    """One SQLite connection, shared by the app's threads under a lock.

    Every write is its own transaction, committed (WAL, synchronous=FULL: on disk) before the
    method returns.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(
            self.path, timeout=5.0, isolation_level=None, check_same_thread=False
        )
        try:
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            migrate(self._db)
        except BaseException:
            self._db.close()
            raise

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                # SQLite may already have rolled back (disk full, I/O error): keep that error.
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- writing ---------------------------------------------------------------------------

    def record_intent(
        self,
        *,
        transaction_id: str,
        service: str,
        kind: str,
        request: dict[str, Any],
        product_code: str = "",
        product_name: str = "",
        product_type: str = "",
        account: str = "",
        contact: str | None = None,
        amount: int = 0,
        currency: str = "UGX",
        operator: str = "",
        parent_id: str | None = None,
    ) -> Entry:
        """Commit what is about to be sent, durably, before it is sent.

        A `transaction_id` already journaled raises ValueError: a retry reuses its row
        (`bump_attempt`), it never records a second intent.
        """
        if not transaction_id:
            raise ValueError("a journal row needs a transaction id")
        stamp = _stamp(_now())
        try:
            with self._write() as db:
                db.execute(
                    "INSERT INTO entries (transaction_id, service, kind, product_code, "
                    "product_name, product_type, account, contact, amount, currency, state, "
                    "request, operator, parent_id, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        transaction_id,
                        service,
                        kind,
                        product_code,
                        product_name,
                        product_type,
                        account,
                        contact,
                        amount,
                        currency,
                        State.PENDING.value,
                        _dump(request),
                        operator,
                        parent_id,
                        stamp,
                        stamp,
                    ),
                )
                return self._require(transaction_id)
        except sqlite3.IntegrityError as exc:
            raise ValueError(f"transaction id {transaction_id!r} is already journaled") from exc

    def record_outcome(
        self,
        transaction_id: str,
        state: State,
        *,
        message: str = "",
        response: dict[str, Any] | None = None,
        tariff_charge: float | None = None,
    ) -> Entry:
        """Write what is now known of a row.

        A final row written again with its own state is left as it is (a repeated callback);
        any move `can_move` refuses raises InvalidTransition; an unknown id raises KeyError.
        """
        state = State(state)
        with self._write() as db:
            old = self._require(transaction_id)
            if old.state is state and old.final:
                return old
            if not can_move(old.state, state):
                raise InvalidTransition(f"{transaction_id}: {old.state} -> {state}")
            if state is State.AWAIT_REFUND and old.state is not state:
                self._check_refund_owed(old)
            db.execute(
                "UPDATE entries SET state = ?, message = ?, response = COALESCE(?, response), "
                "tariff_charge = COALESCE(?, tariff_charge), updated_at = ? "
                "WHERE transaction_id = ?",
                (
                    state.value,
                    scrub(message) or old.message,
                    _dump(response) if response is not None else None,
                    tariff_charge,
                    _stamp(_now()),
                    transaction_id,
                ),
            )
            return self._require(transaction_id)

    def _check_refund_owed(self, entry: Entry) -> None:
        """A refund is owed only while nothing this row paid for succeeded or may still
        succeed (an open sale, an unsettled refund payout): else the customer gets both."""
        open_children = [
            c for c in self.children(entry.transaction_id) if c.state is not State.FAILED
        ]
        if open_children:
            listed = ", ".join(f"{c.transaction_id} ({c.state})" for c in open_children)
            raise InvalidTransition(
                f"{entry.transaction_id}: no refund owed while linked rows are not failed: {listed}"
            )

    def bump_attempt(self, transaction_id: str) -> Entry:
        with self._write() as db:
            self._require(transaction_id)
            db.execute(
                "UPDATE entries SET attempts = attempts + 1, updated_at = ? "
                "WHERE transaction_id = ?",
                (_stamp(_now()), transaction_id),
            )
            return self._require(transaction_id)

    def mark_review(self, transaction_id: str, note: str) -> Entry:
        """Put a row that is not final aside for a person, with why."""
        with self._write() as db:
            old = self._require(transaction_id)
            if not can_move(old.state, State.REVIEW):
                raise InvalidTransition(f"{transaction_id}: {old.state} cannot go to review")
            db.execute(
                "UPDATE entries SET state = ?, note = ?, updated_at = ? WHERE transaction_id = ?",
                (State.REVIEW.value, scrub(note), _stamp(_now()), transaction_id),
            )
            return self._require(transaction_id)

    def record_callback(
        self, source: str, key: str, payload: dict[str, Any], transaction_id: str | None = None
    ) -> bool:
        """Keep a callback once: False when the same `key` was already received."""
        try:
            with self._write() as db:
                db.execute(
                    "INSERT INTO callbacks (source, key, transaction_id, payload, received_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (source, key, transaction_id, _dump(payload), _stamp(_now())),
                )
        except sqlite3.IntegrityError:
            return False
        return True

    def callbacks(self, transaction_id: str) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT source, key, payload, received_at FROM callbacks "
                "WHERE transaction_id = ? ORDER BY id",
                (transaction_id,),
            ).fetchall()
        return [{**dict(row), "payload": json.loads(row["payload"])} for row in rows]

    # -- reading ---------------------------------------------------------------------------

    def _require(self, transaction_id: str) -> Entry:
        entry = self.get(transaction_id)
        if entry is None:
            raise KeyError(transaction_id)
        return entry

    def get(self, transaction_id: str) -> Entry | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM entries WHERE transaction_id = ?", (transaction_id,)
            ).fetchone()
        return Entry.from_row(row) if row else None

    def unresolved(self, limit: int = -1) -> list[Entry]:
        """Rows not final, oldest first; `limit` caps how many (-1: all)."""
        # IN over the open states (not NOT IN over the final ones) so the state index is used.
        open_states = [state.value for state in State if state not in FINAL_STATES]
        marks = ",".join("?" * len(open_states))
        with self._lock:
            rows = self._db.execute(
                f"SELECT * FROM entries WHERE state IN ({marks}) ORDER BY id LIMIT ?",
                [*open_states, limit],
            ).fetchall()
        return [Entry.from_row(row) for row in rows]

    def children(self, parent_id: str) -> list[Entry]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM entries WHERE parent_id = ? ORDER BY id", (parent_id,)
            ).fetchall()
        return [Entry.from_row(row) for row in rows]

    def _where(
        self,
        since: datetime | None,
        until: datetime | None,
        states: Iterable[State] | None,
        kinds: Iterable[str] | None,
        service: str | None,
        search: str | None,
    ) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if since is not None:
            clauses.append("created_at >= ?")
            params.append(_stamp(since))
        if until is not None:
            clauses.append("created_at < ?")
            params.append(_stamp(until))
        if states is not None:
            values = [State(state).value for state in states]
            clauses.append(f"state IN ({','.join('?' * len(values))})")
            params.extend(values)
        if kinds is not None:
            values = list(kinds)
            clauses.append(f"kind IN ({','.join('?' * len(values))})")
            params.extend(values)
        if service is not None:
            clauses.append("service = ?")
            params.append(service)
        if search:
            like = "%" + re.sub(r"([\\%_])", r"\\\1", search) + "%"
            clauses.append(
                "(transaction_id LIKE ? ESCAPE '\\' OR account LIKE ? ESCAPE '\\' "
                "OR product_code LIKE ? ESCAPE '\\')"
            )
            params.extend([like] * 3)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def entries(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        states: Iterable[State] | None = None,
        kinds: Iterable[str] | None = None,
        service: str | None = None,
        search: str | None = None,
        limit: int = 100,
        before_id: int | None = None,
    ) -> list[Entry]:
        """Newest first, a page at a time: pass the last row's id as `before_id` for the next."""
        where, params = self._where(since, until, states, kinds, service, search)
        if before_id is not None:
            where += (" AND " if where else " WHERE ") + "id < ?"
            params.append(before_id)
        with self._lock:
            rows = self._db.execute(
                f"SELECT * FROM entries{where} ORDER BY id DESC LIMIT ?", [*params, limit]
            ).fetchall()
        return [Entry.from_row(row) for row in rows]

    def count(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        states: Iterable[State] | None = None,
        kinds: Iterable[str] | None = None,
        service: str | None = None,
        search: str | None = None,
    ) -> int:
        where, params = self._where(since, until, states, kinds, service, search)
        with self._lock:
            return self._db.execute(f"SELECT COUNT(*) FROM entries{where}", params).fetchone()[0]

    def totals(
        self, *, since: datetime, until: datetime, operator: str | None = None
    ) -> list[dict[str, Any]]:
        """Counts and sums grouped by product type, product, kind and state."""
        where, params = self._where(since, until, None, None, None, None)
        if operator is not None:
            where += " AND operator = ?"
            params.append(operator)
        with self._lock:
            rows = self._db.execute(
                "SELECT product_type, product_code, kind, state, currency, COUNT(*) AS count, "
                "SUM(amount) AS amount, SUM(COALESCE(tariff_charge, 0)) AS tariff "
                f"FROM entries{where} GROUP BY product_type, product_code, kind, state, currency "
                "ORDER BY product_type, product_code, kind, state",
                params,
            ).fetchall()
        return [dict(row) for row in rows]
