"""The reconciliation queue: every journal row that is not final, with its age. S looks the
selected row up on the server, R all of them; M marks the selected row for manual review with a
note; F pays the refund a failed paid-first sale owes."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from kiosk.api.errors import ApiError
from kiosk.flows.payment_ops import refund
from kiosk.journal import FINAL_STATES, Entry, InvalidTransition, State
from kiosk.tui.widgets.float_balance import money

# A screenful is a few dozen rows; the cap keeps a journal with thousands unsettled responsive.
QUEUE_ROWS = 500
OPEN_STATES = [state for state in State if state not in FINAL_STATES]


class QueueScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "settle_selected", "Settle selected"),
        Binding("r", "reconcile", "Settle all"),
        Binding("m", "mark", "Mark for review"),
        Binding("f", "refund", "Pay refund"),
        Binding("escape", "leave", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("Not settled yet", classes="section")
        yield Static("", id="queue-status")
        yield DataTable(id="queue", cursor_type="row", zebra_stripes=True)
        yield Input(placeholder="Review note, then Enter", id="note", disabled=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(
            "Transaction", "Kind", "State", "Account", "Amount", "Age", "Note"
        )
        self.show()
        self.query_one(DataTable).focus()

    def show(self) -> None:
        journal = self.app.services.journal  # type: ignore[attr-defined]
        rows = journal.unresolved(limit=QUEUE_ROWS)
        table = self.query_one(DataTable)
        table.clear()
        for entry in rows:
            minutes = round(entry.age.total_seconds() / 60)
            table.add_row(
                entry.transaction_id,
                entry.kind,
                entry.state.value,
                entry.account,
                money(entry.amount, entry.currency),
                f"{minutes} min",
                entry.note,
                key=entry.transaction_id,
            )
        total = len(rows) if len(rows) < QUEUE_ROWS else journal.count(states=OPEN_STATES)
        shown = f"{total:,} row(s) not final"
        if total > len(rows):
            shown += f", the oldest {len(rows)} shown"
        self.query_one("#queue-status", Static).update(
            f"{shown}. Nothing leaves this list without a recorded outcome."
        )

    def _selected_id(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(row_key.value)

    def action_reconcile(self) -> None:
        self.settle(None)

    def action_settle_selected(self) -> None:
        selected = self._selected_id()
        if selected is not None:
            self.settle(selected)

    @work(exclusive=True)
    async def settle(self, only: str | None) -> None:
        """Look the rows up on the server; a row the server cannot answer for stays listed."""
        self.query_one("#queue-status", Static).update("Looking the rows up on the server…")
        try:
            settled = await self.app.services.reconcile(  # type: ignore[attr-defined]
                only=None if only is None else {only}
            )
        except ApiError as exc:
            self.notify(exc.message, severity="error")
            self.show()
            return
        if only is not None and settled:
            row = settled[0]
            outcome = row.error or row.after.message or "no answer yet"
            self.notify(f"{only}: {row.after.state.value} — {outcome}")
        else:
            self.notify(f"{sum(s.changed for s in settled)} of {len(settled)} settled")
        self.show()

    def action_refund(self) -> None:
        """Pay back the selected payment owed a refund; in kiosk mode only after the PIN."""
        selected = self._selected_id()
        if selected is None:
            return
        entry = self.app.services.journal.get(selected)  # type: ignore[attr-defined]
        if entry is None or entry.state is not State.AWAIT_REFUND:
            self.notify("Select a payment in await_refund to pay its refund.")
            return
        self.app.as_operator("Paying a refund", lambda: self.pay_refund(entry))  # type: ignore[attr-defined]

    @work(exclusive=True)
    async def pay_refund(self, entry: Entry) -> None:
        services = self.app.services  # type: ignore[attr-defined]
        try:
            provider = str(entry.request.get("provider_id", ""))
            name = (await services.ugmart.validate_account(provider, entry.account)).customer_name
            after = await refund(
                services.ugmart, services.journal, services.account_code, entry, name or ""
            )
        except (ApiError, ValueError) as exc:
            self.notify(str(getattr(exc, "message", exc)), severity="error")
            return
        self.notify(f"{entry.transaction_id}: {after.state.value} — {after.message}")
        self.show()

    def action_mark(self) -> None:
        if self._selected_id() is None:
            return
        note = self.query_one("#note", Input)
        note.disabled = False
        note.focus()

    @on(Input.Submitted, "#note")
    def _note(self, event: Input.Submitted) -> None:
        table = self.query_one(DataTable)
        selected = self._selected_id()
        try:
            if selected is not None:
                self.app.services.journal.mark_review(selected, event.value.strip())  # type: ignore[attr-defined]
        except (KeyError, InvalidTransition) as exc:
            self.notify(str(exc), severity="error")
        event.input.value = ""
        event.input.disabled = True
        self.show()
        table.focus()

    def action_leave(self) -> None:
        self.dismiss()
