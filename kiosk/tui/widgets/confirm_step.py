"""The confirm step: everything that will be charged and why, then how the customer pays."""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option as ListOption

from kiosk.flows.views import ConfirmView
from kiosk.tui.widgets.choose_step import without_price
from kiosk.tui.widgets.float_balance import money


def charges_table(view: ConfirmView) -> Table:
    """Each charge line (a period with its multiplier), amount, tariff on top, total."""
    table = Table.grid(expand=True, padding=(0, 1))
    table.add_column(ratio=1)
    table.add_column(justify="right", no_wrap=True)
    for line in view.lines:
        label = without_price(line.label, line.amount, view.currency)
        if line.amount is None:
            table.add_row(label, Text(line.note, style="bold"))
        else:
            table.add_row(f"{label}  {line.note}".rstrip(), money(line.amount, view.currency))
    table.add_row(Text("Amount", style="bold"), money(view.amount, view.currency))
    if view.tariff:
        table.add_row(
            Text("Tariff: charged on top to the float", style="italic"),
            money(view.tariff, view.currency),
        )
    table.add_row(Text("Total", style="bold"), Text(money(view.total, view.currency), style="bold"))
    return table


def facts_table(view: ConfirmView) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim", no_wrap=True)
    table.add_column()
    for key, value in view.facts:
        if value:
            table.add_row(key, value)
    return table


class ConfirmStep(Vertical):
    """Enter or Y confirms (with the highlighted way to pay, when there is a choice).

    Posts `ConfirmStep.Confirmed`; the screen's keys call `confirm()`.
    """

    DEFAULT_CSS = """
    ConfirmStep {
        height: 1fr;
        .step-title { text-style: bold; color: $primary; }
        #confirm-details { height: 1fr; }
        #confirm-charges { border-top: solid $panel; border-bottom: solid $panel; }
        #confirm-methods { height: auto; max-height: 5; }
        .step-error { color: $error; text-style: bold; }
        .step-label { color: $text-muted; }
    }
    """

    @dataclass
    class Confirmed(Message):
        method: str

    def __init__(self, view: ConfirmView) -> None:
        super().__init__(classes="step")
        self.view = view

    def compose(self) -> ComposeResult:
        view = self.view
        yield Static(view.title, classes="step-title")
        # The details scroll when they do not fit, so the way to pay always stays in view.
        with VerticalScroll(id="confirm-details", can_focus=False):
            yield Static(facts_table(view), id="confirm-facts")
            yield Static(charges_table(view), id="confirm-charges")
        if view.error:
            yield Static(view.error, classes="step-error")
        if view.methods:
            yield Static("How does the customer pay?", classes="step-label")
            yield OptionList(
                *(ListOption(method.label, id=method.value) for method in view.methods),
                id="confirm-methods",
            )

    def on_mount(self) -> None:
        if self.view.methods:
            methods = self.query_one("#confirm-methods", OptionList)
            methods.highlighted = 0
            methods.focus()

    def confirm(self) -> None:
        method = ""
        if self.view.methods:
            index = self.query_one("#confirm-methods", OptionList).highlighted or 0
            method = self.view.methods[index].value
        self.post_message(self.Confirmed(method))

    @on(OptionList.OptionSelected, "#confirm-methods")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.confirm()
