"""End-of-day report: what this counter's journal says about a day, matched against what the
server lists for the same day. Every difference is listed; nothing is netted away."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from kiosk.journal import FINAL_STATES, Entry, Journal, State

PAYMENT_OF_KIND = {
    "purchase": "float",
    "stk": "mpesa",
    "sms": "sms credit",
    "sms_batch": "sms credit",
    "voucher": "cash/mpesa",
    "collection": "mobile money",
    "card": "card",
    "payout": "float",
}


@dataclass
class Line:
    group: str
    key: str
    count: int = 0
    amount: int = 0
    tariff: float = 0.0


@dataclass
class Difference:
    transaction_id: str
    journal: str
    server: str
    amount: int
    note: str


@dataclass
class DayReport:
    day: date
    operator: str | None
    lines: list[Line] = field(default_factory=list)
    unknown: list[dict[str, Any]] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    sold_total: int = 0
    tariff_total: float = 0.0
    refunds_total: int = 0
    server_checked: bool = False

    def group(self, name: str) -> list[Line]:
        return [line for line in self.lines if line.group == name]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["day"] = self.day.isoformat()
        return data

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["section", "key", "count", "amount", "tariff"])
        for line in self.lines:
            writer.writerow([line.group, line.key, line.count, line.amount, f"{line.tariff:g}"])
        writer.writerow(["total", "sold", "", self.sold_total, f"{self.tariff_total:g}"])
        writer.writerow(["total", "refunds", "", self.refunds_total, ""])
        for row in self.unknown:
            writer.writerow(["unknown", row["transaction_id"], 1, row["amount"], ""])
        for diff in self.differences:
            writer.writerow(
                ["difference", diff.transaction_id, diff.journal, diff.server, diff.note]
            )
        return out.getvalue()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The local calendar day, as UTC instants."""
    start = datetime.combine(day, time.min).astimezone()
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def _entries(journal: Journal, day: date, operator: str | None) -> list[Entry]:
    since, until = day_bounds(day)
    rows: list[Entry] = []
    before: int | None = None
    while True:
        page = journal.entries(since=since, until=until, limit=1000, before_id=before)
        rows.extend(e for e in page if operator is None or e.operator == operator)
        if len(page) < 1000:
            return rows
        before = page[-1].id


def build_report(
    journal: Journal,
    day: date,
    *,
    operator: str | None = None,
    server: list[dict[str, Any]] | None = None,
) -> DayReport:
    """`server` is the server's transactions of the day (dicts with transaction_id, status,
    amount, type); None when the server could not be asked. Totals are summed by SQLite, so a
    busy day costs one grouped query, not a row-by-row walk."""
    report = DayReport(day=day, operator=operator, server_checked=server is not None)
    since, until = day_bounds(day)
    totals: dict[tuple[str, str], Line] = {}

    def add(group: str, key: str, row: dict[str, Any]) -> None:
        line = totals.setdefault((group, key), Line(group, key))
        line.count += row["count"]
        line.amount += row["amount"] or 0
        line.tariff += row["tariff"] or 0

    for row in journal.totals(since=since, until=until, operator=operator):
        if row["kind"] == "sms_batch":
            continue
        add("status", row["state"], row)
        if row["state"] == State.SUCCESS.value:
            add("product type", row["product_type"] or "OTHER", row)
            add("product", row["product_code"], row)
            add("payment", PAYMENT_OF_KIND.get(row["kind"], row["kind"]), row)
            if row["currency"] == "UGX":
                report.sold_total += row["amount"] or 0
                report.tariff_total += row["tariff"] or 0
        if row["state"] == State.REFUNDED.value:
            report.refunds_total += row["amount"] or 0
    open_states = [state for state in State if state not in FINAL_STATES]
    for entry in journal.entries(since=since, until=until, states=open_states, limit=10_000):
        if operator is None or entry.operator == operator:
            report.unknown.append(
                {
                    "transaction_id": entry.transaction_id,
                    "state": entry.state.value,
                    "product": entry.product_code,
                    "account": entry.account,
                    "amount": entry.amount,
                    "age_minutes": round(entry.age.total_seconds() / 60),
                }
            )
    order = {"product type": 0, "product": 1, "payment": 2, "status": 3}
    report.lines = sorted(totals.values(), key=lambda line: (order[line.group], line.key))
    if server is not None:
        report.differences = _differences(_entries(journal, day, operator), server)
    return report


def _differences(entries: list[Entry], server: list[dict[str, Any]]) -> list[Difference]:
    ours = {e.transaction_id: e for e in entries if e.service == "ugmart"}
    theirs = {str(t["transaction_id"]): t for t in server}
    diffs: list[Difference] = []
    for txid, entry in ours.items():
        row = theirs.get(txid)
        status = str(row["status"]) if row else "absent"
        if entry.state is State.SUCCESS and status != "COMPLETE":
            note = "journal sold it, the server does not show it complete"
        elif entry.state is State.FAILED and status == "COMPLETE":
            note = "journal says failed, the server charged it"
        elif not entry.final:
            note = "not settled yet: run reconcile"
        else:
            continue
        diffs.append(Difference(txid, entry.state.value, status, entry.amount, note))
    for txid, row in theirs.items():
        if txid not in ours and row.get("type") == "PURCHASE":
            amount = int(float(row.get("amount", 0)))
            note = "on the server, not in this counter's journal"
            diffs.append(Difference(txid, "absent", str(row["status"]), amount, note))
    return diffs


def bar(value: int, largest: int, width: int = 24) -> str:
    """A small text bar for a terminal chart."""
    if largest <= 0:
        return ""
    return "█" * max(1 if value else 0, round(width * value / largest))
