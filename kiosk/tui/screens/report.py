"""End-of-day report on screen, for a day and optionally one counter (operator): totals with a
bar per line, unsettled rows, and differences with the server's transactions. E exports the CSV
into the data folder."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from kiosk.api.errors import ApiError
from kiosk.office.report import DayReport, bar, build_report
from kiosk.office.server import server_day


@dataclass
class ReportReady(Message):
    report: DayReport


class ReportScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "export", "Export CSV"),
        Binding("slash", "edit_date", "Date / counter"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, day: date | None = None) -> None:
        super().__init__()
        self.day = day or date.today()
        self.operator: str | None = None
        self.report: DayReport | None = None

    def compose(self) -> ComposeResult:
        yield Static("End of day", classes="section")
        with Horizontal(id="report-query"):
            yield Input(self.day.isoformat(), placeholder="YYYY-MM-DD", id="day")
            yield Input(placeholder="counter (operator); empty: all", id="operator")
        yield Static("", id="report-status")
        yield DataTable(id="report", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Section", "Key", "Count", "Amount", "")
        self.build()
        self.query_one(DataTable).focus()

    def action_edit_date(self) -> None:
        self.query_one("#day", Input).focus()

    def action_leave(self) -> None:
        self.dismiss()

    @on(Input.Submitted)
    def _query(self) -> None:
        try:
            self.day = date.fromisoformat(self.query_one("#day", Input).value.strip())
        except ValueError:
            self.query_one("#report-status", Static).update("Write the date as YYYY-MM-DD.")
            return
        self.operator = self.query_one("#operator", Input).value.strip() or None
        self.build()
        self.query_one(DataTable).focus()

    @work(exclusive=True)
    async def build(self) -> None:
        services = self.app.services  # type: ignore[attr-defined]
        self.query_one("#report-status", Static).update("Matching with the server…")
        try:
            server = await server_day(services.ugmart, services.account_code, self.day)
        except ApiError:
            server = None
        report = build_report(services.journal, self.day, operator=self.operator, server=server)
        self.post_message(ReportReady(report))

    def on_report_ready(self, message: ReportReady) -> None:
        report = self.report = message.report
        table = self.query_one(DataTable)
        table.clear()
        for group in ("product type", "product", "payment", "status"):
            lines = report.group(group)
            largest = max((line.amount for line in lines), default=0)
            for line in lines:
                table.add_row(
                    group,
                    line.key,
                    str(line.count),
                    f"{line.amount:,}",
                    bar(line.amount, largest, 20),
                )
        for row in report.unknown:
            table.add_row(
                "not final",
                row["transaction_id"],
                row["state"],
                f"{row['amount']:,}",
                f"{row['age_minutes']} min",
            )
        for diff in report.differences:
            table.add_row(
                "difference",
                diff.transaction_id,
                f"{diff.journal}/{diff.server}",
                f"{diff.amount:,}",
                diff.note,
            )
        checked = "matched with the server" if report.server_checked else "server NOT checked"
        counter = f" · {report.operator}" if report.operator else ""
        self.query_one("#report-status", Static).update(
            f"{report.day}{counter}: sold {report.sold_total:,} UGX, "
            f"tariff {report.tariff_total:,.0f}, "
            f"refunds {report.refunds_total:,} · {len(report.differences)} difference(s), "
            f"{checked}"
        )

    def action_export(self) -> None:
        if self.report is None:
            return
        folder = self.app.services.settings.data_dir  # type: ignore[attr-defined]
        # An operator name is free text: keep the file name to safe characters.
        counter = (
            re.sub(r"[^\w.-]", "_", f"-{self.report.operator}") if self.report.operator else ""
        )
        path = folder / f"report-{self.report.day}{counter}.csv"
        path.write_text(self.report.to_csv(), encoding="utf-8")
        self.notify(f"Saved {path}", title="Export")
