"""The choose step: a list the API returned, filtered as you type, each item with its price."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option as ListOption

from kiosk.flows.views import ChooseView, Option
from kiosk.tui.widgets.float_balance import money


def matches(query: str, option: Option) -> bool:
    """Every typed word appears in the label or the value, in any order."""
    haystack = f"{option.label} {option.value}".casefold()
    return all(word in haystack for word in query.casefold().split())


def without_price(label: str, price: float | None, currency: str) -> str:
    """The label without a trailing " - 16,000 UGX" when the price column already says it."""
    if price is None:
        return label
    return label.removesuffix(f" - {money(price, currency)}")


def option_prompt(option: Option, view: ChooseView, currency: str) -> Table:
    """Label on the left, price (or a period's multiplier) right-aligned; other details below."""
    grid = Table.grid(expand=True, padding=(0, 1))
    grid.add_column(ratio=1)
    grid.add_column(justify="right", no_wrap=True)
    label = Text(without_price(option.label, option.price, currency))
    right = Text()
    if option.price is not None:
        right = Text(money(option.price, currency), style="bold")
    elif option.detail and not view.priced:
        right = Text(option.detail, style="bold")
    elif option.detail:
        label.append(f"\n{option.detail}", style="dim")
    grid.add_row(label, right)
    return grid


class FilterInput(Input):
    """The filter box; its Enter picks the highlighted item, and the footer says so."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "submit", "Pick")]


class ChooseStep(Vertical):
    """Type to filter, arrows to move, Enter to pick. Posts `ChooseStep.Chosen`."""

    DEFAULT_CSS = """
    ChooseStep {
        height: 1fr;
        .step-title { text-style: bold; color: $primary; }
        .step-prompt { color: $text-muted; }
        .step-error { color: $error; text-style: bold; }
        #choose-options { height: 1fr; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move('cursor_down')", show=False),
        Binding("up", "move('cursor_up')", show=False),
        Binding("pagedown", "move('page_down')", show=False),
        Binding("pageup", "move('page_up')", show=False),
    ]

    @dataclass
    class Chosen(Message):
        value: str

    def __init__(self, view: ChooseView, currency: str = "UGX") -> None:
        super().__init__(classes="step")
        self.view = view
        self.currency = currency
        self.shown: list[Option] = []

    def compose(self) -> ComposeResult:
        view = self.view
        yield Static(view.title, classes="step-title")
        if view.prompt:
            yield Static(view.prompt, classes="step-prompt")
        search = FilterInput(placeholder="Type to filter", id="choose-filter")
        search.cursor_blink = getattr(self.app, "INPUT_CURSOR_BLINK", True)
        yield search
        yield OptionList(id="choose-options")
        if view.error:
            yield Static(view.error, classes="step-error")

    def on_mount(self) -> None:
        self.show("")
        self.query_one("#choose-filter", Input).focus()

    def show(self, query: str) -> None:
        options = self.query_one("#choose-options", OptionList)
        self.shown = [option for option in self.view.options if matches(query, option)]
        options.clear_options()
        options.add_options(
            ListOption(option_prompt(option, self.view, self.currency), disabled=option.disabled)
            for option in self.shown
        )
        if not self.shown:
            options.add_option(ListOption(f"Nothing matches {query!r}", disabled=True))
            return
        values = [option.value for option in self.shown]
        selected = self.view.selected if self.view.selected in values else None
        if selected is not None and not query:
            options.highlighted = values.index(selected)
        else:
            options.action_first()

    def action_move(self, where: str) -> None:
        """Arrows move the list while the cursor stays in the filter, so typing never stops."""
        getattr(self.query_one("#choose-options", OptionList), f"action_{where}")()

    @on(Input.Changed, "#choose-filter")
    def _filter(self, event: Input.Changed) -> None:
        event.stop()
        self.show(event.value.strip())

    @on(Input.Submitted, "#choose-filter")
    def _pick_highlighted(self, event: Input.Submitted) -> None:
        event.stop()
        index = self.query_one("#choose-options", OptionList).highlighted
        self._pick(index)

    @on(OptionList.OptionSelected, "#choose-options")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._pick(event.option_index)

    def _pick(self, index: int | None) -> None:
        if index is None or index >= len(self.shown) or self.shown[index].disabled:
            return
        self.post_message(self.Chosen(self.shown[index].value))
