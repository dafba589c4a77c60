"""Back-office landing: every account's wallets, and the local journal (paged as the cursor
reaches its end) with reprint, SMS delivery and export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Static

from kiosk.api.errors import ApiError
from kiosk.api.ugmart_models import AccountBalance
from kiosk.flows.receipt import reprint_view
from kiosk.journal import Entry
from kiosk.office.export import ExportRequest
from kiosk.tui.widgets.float_balance import money
from kiosk.tui.widgets.header import KioskHeader

JOURNAL_PAGE = 100


@dataclass
class BalancesLoaded(Message):
    balances: list[AccountBalance]


@dataclass
class BalancesFailed(Message):
    message: str


class OfficeScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "reprint", "Reprint"),
        Binding("r", "refresh", "Refresh"),
        Binding("t", "open('transactions')", "Server"),
        Binding("e", "open('report')", "Report"),
        Binding("q", "open('queue')", "Queue"),
        Binding("d", "delivery", "Delivery"),
        Binding("x", "export", "Export"),
        Binding("escape", "leave", "Home"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._oldest_id: int | None = None
        self._more = False

    def compose(self) -> ComposeResult:
        app = self.app
        yield KioskHeader(
            f"{app.title} · Back office",
            sandbox=app.services.settings.sandbox,
            mode=app.mode,
            float_threshold=app.settings.low_float_threshold if app.shows_float else None,
        )
        with Vertical(id="office"):
            yield Label("Balances", classes="section")
            yield DataTable(id="balances", cursor_type="none", zebra_stripes=True)
            yield Static("", id="balances-status")
            yield Label("Journal, newest first (Enter or P reprints)", classes="section")
            yield DataTable(id="journal", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#balances", DataTable).add_columns("Account", "Name", "Balance")
        self.query_one("#journal", DataTable).add_columns(
            "Time", "Transaction", "Product", "Account", "Amount", "State", "Operator"
        )
        self.action_refresh()

    def action_refresh(self) -> None:
        self.query_one("#balances-status", Static).update("Loading balances…")
        self.load_balances()
        self.show_journal()
        self.query_one("#journal", DataTable).focus()

    @work(exclusive=True, group="balances")
    async def load_balances(self) -> None:
        try:
            balances = await self.app.services.ugmart.balances()
        except ApiError as exc:
            self.post_message(BalancesFailed(f"{exc.message} — {exc.hint}"))
            return
        self.post_message(BalancesLoaded(balances))

    def on_balances_loaded(self, message: BalancesLoaded) -> None:
        table = self.query_one("#balances", DataTable)
        table.clear()
        for account in message.balances:
            wallets = account.wallets or []
            text = "  ".join(money(w.balance, w.currency) for w in wallets) or "no wallets"
            table.add_row(account.account_code, account.account_name, text)
        self.query_one("#balances-status", Static).update("")

    def on_balances_failed(self, message: BalancesFailed) -> None:
        self.query_one("#balances-status", Static).update(
            f"Balances could not be loaded: {message.message}  Press R to try again."
        )

    def show_journal(self) -> None:
        self.query_one("#journal", DataTable).clear()
        self._oldest_id = None
        self._more = True
        self._journal_page()

    def _journal_page(self) -> None:
        """The next page of older rows: a million-row journal costs one indexed page per load."""
        table = self.query_one("#journal", DataTable)
        page = self.app.services.journal.entries(limit=JOURNAL_PAGE, before_id=self._oldest_id)
        self._more = len(page) == JOURNAL_PAGE
        if page:
            self._oldest_id = page[-1].id
        for entry in page:
            table.add_row(
                entry.created_at.astimezone().strftime("%m-%d %H:%M"),
                entry.transaction_id,
                entry.product_name or entry.product_code,
                entry.account,
                money(entry.amount, entry.currency),
                entry.state.value,
                entry.operator,
                key=entry.transaction_id,
            )

    @on(DataTable.RowHighlighted, "#journal")
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        if self._more and event.cursor_row >= event.data_table.row_count - 1:
            self._journal_page()

    @on(DataTable.RowSelected, "#journal")
    def _on_row(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_reprint()

    def action_reprint(self) -> None:
        table = self.query_one("#journal", DataTable)
        if table.row_count == 0:
            self.notify("The journal is empty: nothing to reprint.")
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        entry = self.app.services.journal.get(str(row_key.value))
        if entry is None:
            return
        from kiosk.tui.screens.receipt import ReceiptScreen

        self.app.push_screen(ReceiptScreen(reprint_view(entry, self.app.services.specs)))

    def _selected(self) -> Entry | None:
        table = self.query_one("#journal", DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return self.app.services.journal.get(str(row_key.value))

    @work(exclusive=True, group="delivery")
    async def action_delivery(self) -> None:
        """The delivery report of the selected SMS, asked of UMS by its request id."""
        entry = self._selected()
        request_id = str((entry.response or {}).get("request_id", "")) if entry else ""
        if entry is None or entry.kind != "sms" or not request_id:
            self.notify("Select a sent SMS (kind sms) to see its delivery report.")
            return
        try:
            report = await self.app.services.ums.sms_delivery(request_id)
        except ApiError as exc:
            self.notify(f"{exc.message} — {exc.hint}", severity="error")
            return
        self.notify(
            f"To {entry.account}: {report.status or 'unknown'} (sent {report.send_time})",
            title=f"SMS {request_id}",
        )

    def action_export(self) -> None:
        from kiosk.tui.screens.export import ExportScreen

        self.app.push_screen(ExportScreen(date.today()), self._export)

    def _export(self, request: ExportRequest | None) -> None:
        if request is not None:
            self.notify(f"Exporting {request.start} to {request.end}…", title="Export")
            self.write_export(request)

    @work(thread=True, exclusive=True, group="export")
    def write_export(self, request: ExportRequest) -> None:
        """In a thread: a month of a busy counter's journal is a few seconds of writing."""
        folder = self.app.services.settings.data_dir / "exports"
        path = folder / request.filename
        try:
            folder.mkdir(parents=True, exist_ok=True)
            count = request.write(self.app.services.journal, path)
        except OSError as exc:
            self.app.call_from_thread(
                self.notify, f"Could not write {path}: {exc.strerror}", severity="error"
            )
            return
        masked = "full numbers" if request.full else "numbers masked"
        self.app.call_from_thread(
            self.notify, f"{count} row(s), {masked}, written to {path}", title="Export"
        )

    def action_open(self, name: str) -> None:
        from kiosk.tui.screens.queue import QueueScreen
        from kiosk.tui.screens.report import ReportScreen
        from kiosk.tui.screens.transactions import TransactionsScreen

        screens = {"transactions": TransactionsScreen, "report": ReportScreen, "queue": QueueScreen}
        self.app.push_screen(screens[name](), lambda _: self.action_refresh())

    def action_leave(self) -> None:
        self.dismiss()
