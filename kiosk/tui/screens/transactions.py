"""The server's transactions: every documented filter, page by page, and a look-up by id. Each
row shows, beside the server's status, what this counter's journal recorded for it (— when the
journal does not know it: another counter's, or a sale the journal lost).

Filters are typed as the API names them, `status=COMPLETE minDate=2026-11-01 msisdn=2567…`;
`id=…` looks one transaction up. N / P page, / edits the filter, Escape goes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pydantic import ValidationError
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from kiosk.api.errors import ApiError
from kiosk.api.ugmart_models import Transaction, TransactionFilter
from kiosk.tui.widgets.float_balance import money

PAGE_SIZE = 20


def parse_filter(text: str, page: int = 1) -> tuple[TransactionFilter | None, str | None]:
    """The filter typed in the box, or (None, id) for a look-up by id."""
    fields: dict[str, str] = {}
    for part in text.split():
        name, sep, value = part.partition("=")
        if not sep or not value:
            raise ValueError(f"{part!r}: write filters as name=value")
        fields[name] = value
    if "id" in fields:
        return None, fields["id"]
    try:
        return TransactionFilter(**fields, page=page, limit=PAGE_SIZE), None
    except ValidationError as exc:
        names = ", ".join(str(error["loc"][0]) for error in exc.errors())
        raise ValueError(f"unknown or bad filter: {names}") from exc


@dataclass
class PageLoaded(Message):
    rows: list[Transaction]
    page: int
    total: int


@dataclass
class PageFailed(Message):
    message: str


class TransactionsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "page(1)", "Next page"),
        Binding("p", "page(-1)", "Previous page"),
        Binding("slash", "edit_filter", "Filter / id"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.page = 1
        self.total = 0

    def compose(self) -> ComposeResult:
        yield Static("Server transactions", classes="section")
        yield Input(
            placeholder="status=COMPLETE minDate=2026-11-01 … or id=1513319878", id="filter"
        )
        yield Static("", id="tx-status")
        yield DataTable(id="transactions", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(
            "Date",
            "Transaction",
            "Type",
            "Provider",
            "Number",
            "Amount",
            "Charge",
            "Status",
            "Journal",
        )
        self.load()
        self.query_one(DataTable).focus()

    def action_edit_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_page(self, step: int) -> None:
        last = max(1, -(-self.total // PAGE_SIZE))
        wanted = min(max(1, self.page + step), last)
        if wanted != self.page:
            self.page = wanted
            self.load()

    def action_leave(self) -> None:
        self.dismiss()

    @on(Input.Submitted, "#filter")
    def _filter(self, event: Input.Submitted) -> None:
        self.page = 1
        self.load()
        self.query_one(DataTable).focus()

    def _status(self, text: str) -> None:
        self.query_one("#tx-status", Static).update(text)

    def load(self) -> None:
        try:
            filters, lookup = parse_filter(self.query_one("#filter", Input).value, self.page)
        except ValueError as exc:
            self._status(
                f"{exc}. Filters: collectionAccount paymentProvider type status msisdn "
                "transactionDate minDate maxDate currency amount minAmount maxAmount "
                "sort direction"
            )
            return
        self._status("Loading…")
        self.fetch(filters, lookup)

    @work(exclusive=True)
    async def fetch(self, filters: TransactionFilter | None, lookup: str | None) -> None:
        ugmart = self.app.services.ugmart  # type: ignore[attr-defined]
        try:
            if lookup is not None:
                found = await ugmart.transaction(lookup)
                self.post_message(PageLoaded([found], 1, 1))
                return
            page = await ugmart.transactions(filters)
        except ApiError as exc:
            self.post_message(PageFailed(f"{exc.message} — {exc.hint}"))
            return
        self.post_message(PageLoaded(page.data, page.current_page, page.total_items))

    def on_page_loaded(self, message: PageLoaded) -> None:
        self.total = message.total
        table = self.query_one(DataTable)
        table.clear()
        journal = self.app.services.journal  # type: ignore[attr-defined]
        for row in message.rows:
            ours = journal.get(row.transaction_id)
            table.add_row(
                (row.transaction_date or "")[:16].replace("T", " "),
                row.transaction_id,
                row.type,
                row.payment_provider.code if row.payment_provider else "",
                row.msisdn,
                money(row.amount, row.currency),
                f"{row.charge:,.0f}",
                row.status,
                ours.state.value if ours else "—",
                key=row.transaction_id,
            )
        pages = max(1, -(-message.total // PAGE_SIZE))
        self._status(f"Page {message.page} of {pages} · {message.total} transaction(s)")

    def on_page_failed(self, message: PageFailed) -> None:
        self._status(f"Could not load: {message.message}")
