"""Back-office screens against the sandbox with generated transactions: filters checked against
the sandbox's own filtering, the report against build_report, the queue settles rows."""

from __future__ import annotations

import csv
from datetime import date
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, DataTable, Input

from kiosk.flows.autopilot import run_unattended
from kiosk.journal import State
from kiosk.office.report import build_report
from kiosk.sandbox.app import Sandbox
from kiosk.services import Services
from kiosk.tui.screens import queue
from kiosk.tui.screens.office import JOURNAL_PAGE
from kiosk.tui.screens.queue import QueueScreen
from kiosk.tui.screens.report import ReportScreen
from kiosk.tui.screens.transactions import PAGE_SIZE, TransactionsScreen
from tests.test_tui_snapshots_sale import make_app, settle

SIZE = (110, 36)


async def sales(services: Services, count: int) -> None:
    product = next(p for p in await services.ugmart.products() if p.code == "MTN")
    for number in range(count):
        answers = {"msisdn": "0777044237", "amount": str(500 + 100 * number)}
        await run_unattended(services.new_sale(product), answers)


async def office(pilot: Pilot[Any], key: str) -> Any:
    await settle(pilot)
    await pilot.press("b")
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    return pilot.app.screen


def column(table: DataTable, name: str) -> list[str]:
    index = [str(c.label) for c in table.columns.values()].index(name)
    return [str(table.get_row_at(row)[index]) for row in range(table.row_count)]


async def test_transactions_filter_and_pages_match_the_sandbox(
    services: Services, sandbox: Sandbox
) -> None:
    await sales(services, PAGE_SIZE + 5)
    expected = sandbox.ugmart.list_transactions({"type": "PURCHASE", "limit": "1000"})
    async with make_app(services, "backoffice").run_test(size=SIZE) as pilot:
        screen = await office(pilot, "t")
        assert isinstance(screen, TransactionsScreen)
        await pilot.press("slash", *"type=PURCHASE", "enter")
        await settle(pilot)
        table = screen.query_one(DataTable)
        first = column(table, "Transaction")
        assert len(first) == PAGE_SIZE
        await pilot.press("n")
        await settle(pilot)
        second = column(table, "Transaction")
        assert first + second == [t["transaction_id"] for t in expected["data"]]
        assert set(column(table, "Type")) == {"PURCHASE"}
        # Beside the server's status, the journal's: "—" for what this counter did not sell.
        journal = [services.journal.get(t) for t in second]
        assert column(table, "Journal") == [e.state.value if e else "—" for e in journal]
        assert {e.state.value for e in journal if e} == {"success"}
        screen.query_one(Input).value = f"id={first[0]}"
        await pilot.press("slash", "enter")
        await settle(pilot)
        assert column(table, "Transaction") == [first[0]]
        screen.query_one(Input).value = "type=COLLECTION"
        await pilot.press("slash", "enter")
        await settle(pilot)
        assert set(column(table, "Journal")) == {"—"}, "the seeded collections are not ours"
        screen.query_one(Input).value = "colour=blue"
        await pilot.press("slash", "enter")
        await settle(pilot)
        assert "unknown or bad filter" in str(screen.query_one("#tx-status").render())


async def test_report_screen_totals_and_csv_export(services: Services) -> None:
    await sales(services, 3)
    expected = build_report(services.journal, date.today())
    async with make_app(services, "backoffice").run_test(size=SIZE) as pilot:
        screen = await office(pilot, "e")
        assert isinstance(screen, ReportScreen)
        assert screen.report is not None and screen.report.sold_total == expected.sold_total == 1800
        assert screen.report.differences == []
        await pilot.press("e")
        await settle(pilot)
    exported = services.settings.data_dir / f"report-{date.today()}.csv"
    rows = list(csv.DictReader(exported.open()))
    assert next(r for r in rows if r["key"] == "sold")["amount"] == "1800"


async def test_report_for_one_counter(services: Services) -> None:
    await sales(services, 2)
    services.journal.record_intent(
        transaction_id="OTHER1",
        service="ugmart",
        kind="purchase",
        request={},
        product_code="MTN",
        product_type="AIRTIME",
        amount=999,
        operator="counter 2/back",
    )
    services.journal.record_outcome("OTHER1", State.SUCCESS)
    async with make_app(services, "backoffice").run_test(size=SIZE) as pilot:
        screen = await office(pilot, "e")
        assert screen.report.sold_total == 500 + 600 + 999
        screen.query_one("#operator", Input).value = "counter 2/back"
        screen.query_one("#operator", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert screen.report.operator == "counter 2/back"
        assert screen.report.sold_total == 999
        await pilot.press("e")
        await settle(pilot)
    exported = services.settings.data_dir / f"report-{date.today()}-counter_2_back.csv"
    rows = list(csv.DictReader(exported.open()))
    assert next(r for r in rows if r["key"] == "sold")["amount"] == "999"


async def test_queue_settles_and_marks_for_review(services: Services, sandbox: Sandbox) -> None:
    await sales(services, 1)
    sold = services.journal.entries(limit=1)[0].request["transaction_id"]
    services.journal.record_intent(
        transaction_id="LOST1", service="ugmart", kind="purchase", request={}, amount=700
    )
    services.journal.record_outcome("LOST1", State.UNKNOWN)
    async with make_app(services, "backoffice").run_test(size=SIZE) as pilot:
        screen = await office(pilot, "q")
        assert isinstance(screen, QueueScreen)
        table = screen.query_one(DataTable)
        assert column(table, "Transaction") == ["LOST1"]
        await pilot.press("m", *"customer called", "enter")
        await settle(pilot)
        entry = services.journal.get("LOST1")
        assert entry is not None and entry.state is State.REVIEW and entry.note == "customer called"
    assert services.journal.get(sold).state is State.SUCCESS


async def test_an_unknown_sale_is_settled_on_start_or_by_r_in_the_queue(
    services: Services, sandbox: Sandbox
) -> None:
    sandbox.faults.push("drop", path="/api/products/purchase")
    for _ in range(3):
        sandbox.faults.push("503", path="/api/transactions")
    await sales(services, 1)
    unknown = services.journal.unresolved()
    assert [e.state for e in unknown] == [State.UNKNOWN]
    async with make_app(services, "backoffice").run_test(size=SIZE) as pilot:
        screen = await office(pilot, "q")
        await pilot.press("r")
        await settle(pilot)
        assert screen.query_one(DataTable).row_count == 0
    assert services.journal.get(unknown[0].transaction_id).state is State.SUCCESS
    assert sandbox.ugmart.charges_for(unknown[0].transaction_id) == 1


async def test_s_settles_only_the_selected_row(services: Services, sandbox: Sandbox) -> None:
    for _ in range(2):
        sandbox.faults.push("drop", path="/api/products/purchase")
        for _ in range(3):
            sandbox.faults.push("503", path="/api/transactions")
        await sales(services, 1)
    first, second = (e.transaction_id for e in services.journal.unresolved())
    services.journal.mark_review(second, "customer is checking their phone")
    for _ in range(3):  # the look-up on start gets no answer, so the row is still in the queue
        sandbox.faults.push("503", path="/api/transactions")
    async with make_app(services, "backoffice").run_test(size=SIZE) as pilot:
        screen = await office(pilot, "q")
        table = screen.query_one(DataTable)
        assert column(table, "Transaction") == [first, second]
        await pilot.press("down", "s")
        await settle(pilot)
        assert column(table, "Transaction") == [first, second]
        await pilot.press("up", "s")
        await settle(pilot)
        assert column(table, "Transaction") == [second]
    assert services.journal.get(first).state is State.SUCCESS
    assert services.journal.get(second).state is State.REVIEW
    # Named, a row waiting for a person is reported back, not looked up and overwritten.
    (by_hand,) = await services.reconcile(only={second})
    assert by_hand.error == "review: settled by hand" and not by_hand.changed
    assert sandbox.ugmart.charges_for(first) == sandbox.ugmart.charges_for(second) == 1


async def test_sms_delivery_report_from_the_journal(services: Services, sandbox: Sandbox) -> None:
    from tests.test_flows_ums import sell as sell_service

    sandbox.ums.delivery_delay = 0
    await sell_service(services, "UMS.SMS", {"recipients": "0798765432", "message": "Hi"})
    notes: list[str] = []
    async with make_app(services, "backoffice").run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.notify = lambda message, **_: notes.append(str(message))  # type: ignore[method-assign]
        table = pilot.app.screen.query_one("#journal", DataTable)
        kinds = [services.journal.get(str(k.value)).kind for k in table.rows]
        table.move_cursor(row=kinds.index("sms"))
        await pilot.press("d")
        await settle(pilot)
    assert any("Delivered" in note for note in notes), notes


async def test_journal_pages_in_as_the_cursor_reaches_the_end(services: Services) -> None:
    for n in range(JOURNAL_PAGE + 30):
        services.journal.record_intent(
            transaction_id=f"OLD{n:04d}", service="ugmart", kind="purchase", request={}
        )
        services.journal.record_outcome(f"OLD{n:04d}", State.FAILED, message="refused")
    async with make_app(services, "backoffice").run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one("#journal", DataTable)
        assert table.row_count == JOURNAL_PAGE
        assert column(table, "Transaction")[0] == f"OLD{JOURNAL_PAGE + 29:04d}"
        await pilot.press("ctrl+end")
        await settle(pilot)
        assert column(table, "Transaction") == [
            f"OLD{n:04d}" for n in reversed(range(JOURNAL_PAGE + 30))
        ]


async def test_export_from_the_office_masks_unless_asked(services: Services) -> None:
    await sales(services, 2)
    today = date.today().isoformat()
    exports = services.settings.data_dir / "exports"
    async with make_app(services, "backoffice").run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        dialog = pilot.app.screen
        dialog.query_one("#export-to", Input).value = "2020-01-01"
        dialog.query_one("#export-from", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "before it starts" in str(dialog.query_one("#export-error").render())
        dialog.query_one("#export-to", Input).value = today
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        pilot.app.screen.query_one(Checkbox).value = True
        await pilot.click("#export-go")
        await settle(pilot)
    masked = list(csv.DictReader((exports / f"journal-{today}-to-{today}.csv").open()))
    full = list(csv.DictReader((exports / f"journal-{today}-to-{today}-full.csv").open()))
    journal = services.journal.entries()
    assert [row["transaction_id"] for row in full] == [e.transaction_id for e in journal]
    assert [row["account"] for row in full] == ["0777044237", "0777044237"]
    assert [row["account"] for row in masked] == ["••••••4237", "••••••4237"]
    assert [row["amount"] for row in masked] == [str(e.amount) for e in journal]


async def test_a_long_queue_shows_the_oldest_and_says_how_many(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queue, "QUEUE_ROWS", 3)
    for n in range(5):
        services.journal.record_intent(
            transaction_id=f"OPEN{n}", service="ugmart", kind="purchase", request={}
        )
        services.journal.record_outcome(f"OPEN{n}", State.UNKNOWN)
    async with make_app(services, "backoffice").run_test(size=SIZE) as pilot:
        screen = await office(pilot, "q")
        assert column(screen.query_one(DataTable), "Transaction") == ["OPEN0", "OPEN1", "OPEN2"]
        status = str(screen.query_one("#queue-status").render())
        assert "5 row(s) not final, the oldest 3 shown" in status
