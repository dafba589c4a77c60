"""`kiosk report`, `kiosk export`, `kiosk queue`, `kiosk review`: the back office on the
command line."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import date
from pathlib import Path

from kiosk.api.errors import ApiError
from kiosk.journal import InvalidTransition
from kiosk.office.export import ExportRequest
from kiosk.office.report import bar, build_report
from kiosk.office.server import server_day
from kiosk.services import build_services
from kiosk.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    report = subparsers.add_parser("report", help="end-of-day report, matched with the server")
    report.add_argument("--date", type=date.fromisoformat, default=date.today())
    report.add_argument("--operator", help="one counter's sales only")
    report.add_argument("--csv", type=Path, metavar="FILE")
    report.add_argument("--json", action="store_true")
    report.set_defaults(func=lambda a: asyncio.run(_report(a)))

    export = subparsers.add_parser("export", help="journal rows of a date range to CSV")
    export.add_argument("--from", dest="start", metavar="YYYY-MM-DD", required=True)
    export.add_argument("--to", dest="end", metavar="YYYY-MM-DD", required=True)
    export.add_argument("--csv", type=Path, metavar="FILE", required=True)
    export.add_argument("--full", action="store_true", help="do not mask phone/meter numbers")
    export.set_defaults(func=_export)

    queue = subparsers.add_parser("queue", help="journal rows whose outcome is not final")
    queue.add_argument("--json", action="store_true")
    queue.set_defaults(func=_queue)

    review = subparsers.add_parser("review", help="mark a row for manual review, with a note")
    review.add_argument("transaction_id")
    review.add_argument("--note", required=True)
    review.set_defaults(func=_review)


async def _report(args: argparse.Namespace) -> int:
    services = build_services(Settings())
    try:
        try:
            server = await server_day(services.ugmart, services.account_code, args.date)
        except ApiError as exc:
            print(f"warning: server not checked: {exc.message}", file=sys.stderr)
            server = None
        report = build_report(services.journal, args.date, operator=args.operator, server=server)
    finally:
        await services.aclose()
    if args.csv:
        args.csv.write_text(report.to_csv(), encoding="utf-8")
    if args.json:
        print(json.dumps(report.to_json()))
        return 0
    print(f"End of day {report.day}" + (f", {report.operator}" if report.operator else ""))
    for group in ("product type", "payment", "status"):
        lines = report.group(group)
        largest = max((line.amount for line in lines), default=0)
        print(f"\nBy {group}")
        for line in lines:
            print(f"  {line.key:<16}{line.count:>6}{line.amount:>14,}  {bar(line.amount, largest)}")
    print(
        f"\nSold {report.sold_total:,} UGX, tariff {report.tariff_total:,.0f}, "
        f"refunds {report.refunds_total:,}"
    )
    for row in report.unknown:
        print(
            f"  NOT FINAL {row['transaction_id']} {row['state']} {row['amount']:,} "
            f"({row['age_minutes']} min)"
        )
    if not report.server_checked:
        print("Server not checked.")
    for diff in report.differences:
        print(
            f"  DIFF {diff.transaction_id}: journal {diff.journal}, "
            f"server {diff.server} — {diff.note}"
        )
    return 0


def _export(args: argparse.Namespace) -> int:
    try:
        request = ExportRequest.parse(args.start, args.end, full=args.full)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    services = build_services(Settings())
    count = request.write(services.journal, args.csv)
    asyncio.run(services.aclose())
    print(f"{count} row(s) written to {args.csv}")
    return 0


def _queue(args: argparse.Namespace) -> int:
    services = build_services(Settings())
    rows = services.journal.unresolved()
    asyncio.run(services.aclose())
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "transaction_id": e.transaction_id,
                        "state": e.state.value,
                        "kind": e.kind,
                        "amount": e.amount,
                        "age_seconds": round(e.age.total_seconds()),
                        "note": e.note,
                    }
                    for e in rows
                ]
            )
        )
        return 0
    for entry in rows:
        minutes = round(entry.age.total_seconds() / 60)
        print(
            f"{entry.transaction_id:<22}{entry.state.value:<14}{entry.kind:<10}"
            f"{entry.amount:>10,}  {minutes} min  {entry.note}"
        )
    print(f"{len(rows)} row(s) not final. `kiosk reconcile` settles what the server knows.")
    return 0


def _review(args: argparse.Namespace) -> int:
    services = build_services(Settings())
    try:
        entry = services.journal.mark_review(args.transaction_id, args.note)
    except KeyError:
        print(f"error: no journal row {args.transaction_id}", file=sys.stderr)
        return 2
    except InvalidTransition as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        asyncio.run(services.aclose())
    print(f"{entry.transaction_id}: marked for review — {entry.note}")
    return 0
