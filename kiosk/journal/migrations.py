"""Schema versions. Migration N takes the file from version N-1 to N inside one transaction,
and PRAGMA user_version records where it stands; a file is upgraded in order on open. To add
a column, append a new script; never edit one that has shipped."""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[str] = [
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
    );
    CREATE INDEX entries_created ON entries (created_at);
    CREATE INDEX entries_state ON entries (state, created_at);
    CREATE INDEX entries_kind ON entries (kind, created_at);
    CREATE INDEX entries_parent ON entries (parent_id) WHERE parent_id IS NOT NULL;
    """,
    """
    CREATE TABLE callbacks (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        key TEXT NOT NULL UNIQUE,
        transaction_id TEXT,
        payload TEXT NOT NULL,
        received_at TEXT NOT NULL
    );
    CREATE INDEX callbacks_transaction ON callbacks (transaction_id);
    """,
]


def migrate(db: sqlite3.Connection, migrations: list[str] = MIGRATIONS) -> int:
    """Bring the file up to the newest version; returns that version."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    for number, script in enumerate(migrations[version:], start=version + 1):
        db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    return len(migrations)
