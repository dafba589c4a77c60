"""End-of-day report, export and the reconciliation queue, against hand-computed figures."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path

from kiosk.flows.autopilot import run_unattended
from kiosk.journal import Journal, State
from kiosk.office.export import export_csv, mask
from kiosk.office.report import build_report, day_bounds
from kiosk.office.server import server_day
from kiosk.services import Services

TODAY = date.today()


def row(journal: Journal, txid: str, state: State, amount: int, **fields: object) -> None:
    journal.record_intent(
        transaction_id=txid,
        service="ugmart",
        kind=str(fields.pop("kind", "purchase")),
        request={},
        amount=amount,
        product_code=str(fields.pop("code", "MTN")),
        product_type=str(fields.pop("type", "AIRTIME")),
        account="0777044237",
        operator=str(fields.pop("operator", "counter-1")),
    )
    if state is not State.PENDING:
        journal.record_outcome(txid, state, tariff_charge=fields.pop("tariff", None))


def fixture(journal: Journal) -> None:
    row(journal, "A1", State.SUCCESS, 1000)
    row(journal, "A2", State.SUCCESS, 2500)
    row(journal, "U1", State.SUCCESS, 10000, code="UMEME", type="UTILITIES", tariff=300)
    row(journal, "T1", State.SUCCESS, 22000, code="GOtv:GOLITE", type="TV", operator="counter-2")
    row(journal, "F1", State.FAILED, 5000)
    row(journal, "X1", State.UNKNOWN, 700)


def test_report_totals_match_the_hand_computed_fixture(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.db")
    fixture(journal)
    report = build_report(journal, TODAY)
    by_type = {line.key: (line.count, line.amount) for line in report.group("product type")}
    assert by_type == {"AIRTIME": (2, 3500), "UTILITIES": (1, 10000), "TV": (1, 22000)}
    by_status = {line.key: (line.count, line.amount) for line in report.group("status")}
    assert by_status == {"success": (4, 35500), "failed": (1, 5000), "unknown": (1, 700)}
    assert report.sold_total == 35500
    assert report.tariff_total == 300
    assert [u["transaction_id"] for u in report.unknown] == ["X1"]
    one_counter = build_report(journal, TODAY, operator="counter-2")
    assert one_counter.sold_total == 22000
    assert build_report(journal, TODAY - timedelta(days=1)).sold_total == 0


def test_report_csv_reads_back(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.db")
    fixture(journal)
    rows = list(csv.DictReader(build_report(journal, TODAY).to_csv().splitlines()))
    sold = next(r for r in rows if r["section"] == "total" and r["key"] == "sold")
    assert sold["amount"] == "35500"
    assert any(r["section"] == "unknown" and r["key"] == "X1" for r in rows)


async def test_report_matches_journal_against_the_server(services: Services, sandbox) -> None:
    products = {p.code: p for p in await services.ugmart.products()}
    for _ in range(2):
        await run_unattended(
            services.new_sale(products["MTN"]), {"msisdn": "0777044237", "amount": "1000"}
        )
    services.journal.record_intent(
        transaction_id="GHOST", service="ugmart", kind="purchase", request={}, amount=900
    )
    services.journal.record_outcome("GHOST", State.SUCCESS)
    server = await server_day(services.ugmart, services.account_code, TODAY)
    report = build_report(services.journal, TODAY, server=server)
    assert [d.transaction_id for d in report.differences] == ["GHOST"]
    assert report.differences[0].server == "absent"


def test_export_masks_numbers_unless_full(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.db")
    fixture(journal)
    since, until = day_bounds(TODAY)
    masked, full = tmp_path / "masked.csv", tmp_path / "full.csv"
    assert export_csv(journal, since, until, masked) == 6
    export_csv(journal, since, until, full, full=True)
    masked_rows = list(csv.DictReader(masked.open()))
    full_rows = list(csv.DictReader(full.open()))
    assert {r["account"] for r in masked_rows} == {"••••••4237"}
    assert {r["account"] for r in full_rows} == {"0777044237"}
    assert sorted(r["transaction_id"] for r in full_rows) == ["A1", "A2", "F1", "T1", "U1", "X1"]
    assert mask("04230640783") == "•••••••0783" and mask("4023") == "4023"


def test_nothing_leaves_the_queue_without_a_recorded_outcome(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.db")
    fixture(journal)
    assert [e.transaction_id for e in journal.unresolved()] == ["X1"]
    journal.mark_review("X1", "customer says no airtime arrived")
    entry = journal.get("X1")
    assert entry is not None and entry.state is State.REVIEW and "airtime" in entry.note
    assert [e.transaction_id for e in journal.unresolved()] == ["X1"]
    journal.record_outcome("X1", State.FAILED, message="checked with Ugmart support")
    assert journal.unresolved() == []
    assert isinstance(entry.created_at, datetime)
