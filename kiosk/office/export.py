"""Journal export to CSV. Phone, meter and card numbers are masked but for their last four
digits unless the operator asks for full data."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from kiosk.journal import Entry, Journal
from kiosk.office.report import day_bounds

COLUMNS = (
    "created_at",
    "transaction_id",
    "service",
    "kind",
    "state",
    "product_code",
    "product_name",
    "product_type",
    "account",
    "contact",
    "amount",
    "currency",
    "tariff_charge",
    "operator",
    "parent_id",
    "message",
)


def mask(value: str | None) -> str:
    if not value:
        return ""
    digits = sum(ch.isdigit() for ch in value)
    if digits <= 4:
        return value
    seen = 0
    out = []
    for ch in reversed(value):
        if ch.isdigit():
            seen += 1
            out.append(ch if seen <= 4 else "•")
        else:
            out.append(ch)
    return "".join(reversed(out))


def rows(journal: Journal, since: datetime, until: datetime) -> Iterator[Entry]:
    before: int | None = None
    while True:
        page = journal.entries(since=since, until=until, limit=1000, before_id=before)
        yield from page
        if len(page) < 1000:
            return
        before = page[-1].id


def write_csv(
    journal: Journal, since: datetime, until: datetime, out: TextIO, *, full: bool = False
) -> int:
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    count = 0
    for entry in rows(journal, since, until):
        values = {
            **{name: getattr(entry, name) for name in COLUMNS if name != "state"},
            "state": entry.state.value,
            "created_at": entry.created_at.isoformat(),
        }
        if not full:
            values["account"] = mask(entry.account)
            values["contact"] = mask(entry.contact)
        writer.writerow(["" if values[name] is None else values[name] for name in COLUMNS])
        count += 1
    return count


def export_csv(
    journal: Journal, since: datetime, until: datetime, path: Path, *, full: bool = False
) -> int:
    with path.open("w", newline="", encoding="utf-8") as out:
        return write_csv(journal, since, until, out, full=full)


@dataclass(frozen=True)
class ExportRequest:
    """Local calendar days `start` to `end`, both included."""

    start: date
    end: date
    full: bool = False

    @classmethod
    def parse(cls, start: str, end: str, *, full: bool = False) -> ExportRequest:
        """From the dates an operator typed; ValueError says what to fix."""
        try:
            first = date.fromisoformat(start.strip())
            last = date.fromisoformat(end.strip() or start.strip())
        except ValueError:
            raise ValueError("Write the dates as YYYY-MM-DD.") from None
        if last < first:
            raise ValueError(f"The range ends ({last}) before it starts ({first}).")
        return cls(first, last, full)

    @property
    def filename(self) -> str:
        return f"journal-{self.start}-to-{self.end}{'-full' if self.full else ''}.csv"

    def write(self, journal: Journal, path: Path) -> int:
        since, _ = day_bounds(self.start)
        _, until = day_bounds(self.end)
        return export_csv(journal, since, until, path, full=self.full)
