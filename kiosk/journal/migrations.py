"""Schema versions of the journal file.

`MIGRATIONS[n - 1]` takes a file from version n-1 to n; PRAGMA user_version records where a
file stands, and opening it runs the missing steps in order, all in one transaction with the
version bump, so a crash mid-upgrade leaves the file as it was. Never edit a step that has
shipped: append one. Adding a column is one more function, e.g.

    def _v3_add_terminal(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE entries ADD COLUMN terminal TEXT NOT NULL DEFAULT ''")

appended to MIGRATIONS, plus the field on `Entry` (which reads only the columns it names, so a
file a newer program upgraded still reads as long as columns are only added).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

Migration = Callable[[sqlite3.Connection], None]


class NewerJournal(RuntimeError):
    """The file was written by a newer program: this one does not know its schema."""


def _v1_entries(db: sqlite3.Connection) -> None:
    db.execute(
        """
        CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            transaction_id TEXT NOT NULL UNIQUE,
            service TEXT NOT NULL,
            kind TEXT NOT NULL,
            product_code TEXT NOT NULL DEFAULT '',
            product_name TEXT NOT NULL DEFAULT '',
            product_type TEXT NOT NULL DEFAULT '',
            account TEXT NOT NULL DEFAULT '',
            contact TEXT,
            amount INTEGER NOT NULL DEFAULT 0,
            currency TEXT NOT NULL DEFAULT 'UGX',
            tariff_charge REAL,
            state TEXT NOT NULL,
            message TEXT NOT NULL DEFAULT '',
            request TEXT NOT NULL,
            response TEXT,
            operator TEXT NOT NULL DEFAULT '',
            parent_id TEXT,
            note TEXT NOT NULL DEFAULT '',
            attempts INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX entries_created ON entries (created_at)")
    db.execute("CREATE INDEX entries_state ON entries (state, created_at)")
    db.execute("CREATE INDEX entries_kind ON entries (kind, created_at)")
    db.execute("CREATE INDEX entries_parent ON entries (parent_id) WHERE parent_id IS NOT NULL")


def _v2_callbacks(db: sqlite3.Connection) -> None:
    db.execute(
        """
        CREATE TABLE callbacks (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            key TEXT NOT NULL UNIQUE,
            transaction_id TEXT,
            payload TEXT NOT NULL,
            received_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX callbacks_transaction ON callbacks (transaction_id)")


MIGRATIONS: list[Migration] = [_v1_entries, _v2_callbacks]


def version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the file up to the newest version and return it.

    `db` must be in autocommit mode (isolation_level=None). The version is read under the
    write lock, so two programs opening a fresh file at once do not both create it.
    """
    newest = len(migrations)
    if version(db) == newest:
        return newest
    db.execute("BEGIN IMMEDIATE")
    try:
        current = version(db)
        if current > newest:
            raise NewerJournal(
                f"the journal is schema version {current}; this program knows up to {newest}"
            )
        for number in range(current + 1, newest + 1):
            migrations[number - 1](db)
            db.execute(f"PRAGMA user_version = {number:d}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return newest
