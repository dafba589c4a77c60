"""Journal at scale: a million rows, and how long the back office's queries and the first render
of its journal screen take, each as a ratio to a plain SQLite query of the same page in the same
run (machines here are noisy). The screen is also timed over a 1,000-row journal: the ratio of
the two shows whether the screen slows as the journal grows.

    .venv/bin/python bench/journal_scale.py --rows 1000000
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from kiosk.journal import Journal, State
from kiosk.office.report import build_report
from kiosk.sandbox.app import Sandbox
from kiosk.services import build_services
from kiosk.settings import Settings
from kiosk.tui.app import create_app
from kiosk.tui.screens.office import JOURNAL_PAGE, OfficeScreen
from kiosk.tui.screens.queue import QUEUE_ROWS

KINDS = [
    ("purchase", "MTN", "AIRTIME"),
    ("purchase", "UMEME", "UTILITIES"),
    ("purchase", "GOtv:GOLITE", "TV"),
    ("stk", "UMS.STK", "PAYMENT"),
]
STATES = [State.SUCCESS] * 90 + [State.FAILED] * 8 + [State.UNKNOWN, State.INCOMPLETE]


def generate(path: Path, rows: int, days: int = 60, seed: int = 1) -> None:
    """Rows spread over `days` days up to now, written in bulk (the schema is the journal's)."""
    Journal(path).close()
    rng = random.Random(seed)
    now = datetime.now(UTC)
    step = timedelta(days=days) / rows
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA synchronous=OFF")
        batch = []
        for n in range(rows):
            kind, code, type_ = rng.choice(KINDS)
            stamp = (now - timedelta(days=days) + step * n).isoformat()
            request = json.dumps({"product_code": code, "amount": 1000})
            batch.append(
                (
                    f"B{n:09d}",
                    "ugmart",
                    kind,
                    code,
                    code,
                    type_,
                    f"07{n % 10**8:08d}",
                    1000 + n % 50 * 500,
                    rng.choice(STATES).value,
                    request,
                    "counter-1",
                    stamp,
                    stamp,
                )
            )
            if len(batch) == 50_000:
                _insert(db, batch)
                batch.clear()
        _insert(db, batch)


def _insert(db: sqlite3.Connection, batch: list[tuple[object, ...]]) -> None:
    db.executemany(
        "INSERT INTO entries (transaction_id, service, kind, product_code, product_name, "
        "product_type, account, amount, state, request, operator, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        batch,
    )


def timed(work: Callable[[], object], repeat: int = 7) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def measure(path: Path) -> list[tuple[str, float, float]]:
    journal = Journal(path)
    raw = sqlite3.connect(path)
    newest = journal.entries(limit=1)[0]
    middle_id = newest.id // 2
    today = date.today()
    plain_page = lambda: raw.execute("SELECT * FROM entries ORDER BY id DESC LIMIT 50").fetchall()  # noqa: E731
    start, end = (d.isoformat() for d in (datetime.now(UTC) - timedelta(days=1), datetime.now(UTC)))
    plain_totals = lambda: raw.execute(  # noqa: E731
        "SELECT product_type, state, COUNT(*), SUM(amount) FROM entries "
        "WHERE created_at >= ? AND created_at < ? GROUP BY product_type, state",
        (start, end),
    ).fetchall()
    plain_queue = lambda: raw.execute(  # noqa: E731
        "SELECT * FROM entries WHERE state IN ('unknown', 'pending', 'incomplete') "
        "ORDER BY id LIMIT ?",
        (QUEUE_ROWS,),
    ).fetchall()
    plain_deep = lambda: raw.execute(  # noqa: E731
        "SELECT * FROM entries WHERE id < ? ORDER BY id DESC LIMIT 50", (middle_id,)
    ).fetchall()
    since = datetime.now(UTC) - timedelta(days=1)
    results = [
        ("first page (50 rows)", timed(lambda: journal.entries(limit=50)), timed(plain_page)),
        (
            "page deep in history",
            timed(lambda: journal.entries(limit=50, before_id=middle_id)),
            timed(plain_deep),
        ),
        (
            "filtered: unknown, last day",
            timed(lambda: journal.entries(since=since, states=[State.UNKNOWN], limit=50)),
            timed(plain_page),
        ),
        (
            f"queue ({QUEUE_ROWS} oldest open)",
            timed(lambda: journal.unresolved(limit=QUEUE_ROWS), repeat=3),
            timed(plain_queue, repeat=3),
        ),
        (
            "end-of-day report (1 day)",
            timed(lambda: build_report(journal, today), repeat=3),
            timed(plain_totals, repeat=3),
        ),
    ]
    raw.close()
    journal.close()
    return results


async def _screen_renders(path: Path, repeat: int) -> list[float]:
    data_dir = path.parent / f"{path.stem}-data"
    settings = Settings(data_dir=data_dir)
    services = build_services(settings, sandbox=Sandbox())
    services.journal.close()
    services = dataclasses.replace(services, journal=Journal(path))
    runs = []
    try:
        app = create_app(settings, services)
        async with app.run_test(headless=True, size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            for _ in range(repeat):
                start = time.perf_counter()
                screen = OfficeScreen()
                await app.push_screen(screen)
                await pilot.pause()
                runs.append(time.perf_counter() - start)
                assert screen.query_one("#journal").row_count == JOURNAL_PAGE  # type: ignore[attr-defined]
                await app.workers.wait_for_complete()
                app.pop_screen()
                await pilot.pause()
    finally:
        await services.aclose()
    return runs


def screen_render(path: Path, repeat: int = 5) -> float:
    """Median time from opening the back office to its journal's first page on screen."""
    return statistics.median(asyncio.run(_screen_renders(path, repeat)))


def plain_page(path: Path, repeat: int = 7) -> float:
    with sqlite3.connect(path) as raw:
        return timed(
            lambda: raw.execute(
                "SELECT * FROM entries ORDER BY id DESC LIMIT ?", (JOURNAL_PAGE,)
            ).fetchall(),
            repeat,
        )


def plans(path: Path) -> dict[str, str]:
    """SQLite's plan for the hot queries: they must use an index, not scan the table."""
    with sqlite3.connect(path) as db:
        queries = {
            "page": "SELECT * FROM entries WHERE id < 5 ORDER BY id DESC LIMIT 50",
            "day": "SELECT * FROM entries WHERE created_at >= '2026' AND created_at < '2027' "
            "ORDER BY id DESC LIMIT 1000",
            "unresolved": "SELECT * FROM entries WHERE state IN ('unknown') ORDER BY id",
            "by id": "SELECT * FROM entries WHERE transaction_id = 'B1'",
        }
        return {
            name: " | ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql))
            for name, sql in queries.items()
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "journal.sqlite3"
        started = time.perf_counter()
        generate(path, args.rows)
        print(f"generated {args.rows:,} rows in {time.perf_counter() - started:.1f} s")
        print(f"{'query':<30}{'journal':>10}{'plain':>10}{'ratio':>8}")
        for name, ours, plain in measure(path):
            print(f"{name:<30}{ours * 1000:>8.2f}ms{plain * 1000:>8.2f}ms{ours / plain:>7.1f}×")
        small = Path(tmp) / "small.sqlite3"
        generate(small, 1000)
        big_render, small_render = screen_render(path), screen_render(small)
        plain = plain_page(path)
        print(
            f"{'office screen, first page':<30}{big_render * 1000:>8.1f}ms{plain * 1000:>8.2f}ms"
            f"{big_render / plain:>7.0f}×  ({JOURNAL_PAGE} rows drawn)"
        )
        print(
            f"{'  same screen, 1,000 rows':<30}{small_render * 1000:>8.1f}ms"
            f"{'':>10}{big_render / small_render:>7.2f}×  (ratio {args.rows:,} / 1,000 rows)"
        )
        for name, plan in plans(path).items():
            print(f"plan {name:<12} {plan}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
