"""Home: the account's catalog by group with hotkeys, type-to-filter, services and back office.

Nothing here knows a product: groups come from each product's `type`, and choosing one hands a
fresh FlowRun to the sale screen, which the engine drives.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import (
    ContentSwitcher,
    Footer,
    Input,
    LoadingIndicator,
    OptionList,
    Static,
    TabbedContent,
    TabPane,
)
from textual.widgets.option_list import Option

from kiosk.api.catalog_models import Product
from kiosk.api.errors import ApiError
from kiosk.flows.spec import service_flows
from kiosk.tui.services_menu import MenuEntry, ScreenFactory, available
from kiosk.tui.widgets.header import KioskHeader


@dataclass(frozen=True)
class Group:
    id: str
    label: str
    key: str
    types: tuple[str, ...]


GROUPS = (
    Group("airtime", "Airtime", "a", ("AIRTIME",)),
    Group("internet", "Internet", "i", ("INTERNET",)),
    Group("utilities", "Utilities", "u", ("UTILITIES",)),
    Group("tv", "TV", "t", ("TV",)),
    Group("taxes", "Taxes", "x", ("TAXES",)),
    Group("other", "Other", "o", ()),
)
OTHER = GROUPS[-1]
SERVICES = Group("services", "Services", "s", ())


def group_of(product: Product) -> Group:
    return next((group for group in GROUPS if product.type in group.types), OTHER)


def group_products(products: Iterable[Product]) -> list[tuple[Group, list[Product]]]:
    """Non-empty groups in the fixed order, products by name within each."""
    by_group: dict[str, list[Product]] = {}
    for product in products:
        by_group.setdefault(group_of(product).id, []).append(product)
    return [
        (group, sorted(by_group[group.id], key=lambda p: p.name.casefold()))
        for group in GROUPS
        if group.id in by_group
    ]


def matches(query: str, *texts: str) -> bool:
    """Every word of the query appears in the name or the code, in any order."""
    haystack = " ".join(texts).casefold()
    return all(word in haystack for word in query.casefold().split())


@dataclass(frozen=True)
class Sellable:
    """A line of the home screen: a product, a service flow or a services-menu screen."""

    id: str
    label: str
    code: str
    group: Group
    product: Product | None = None
    menu: tuple[MenuEntry, ScreenFactory] | None = None
    operator_only: bool = False
    available: bool = True

    def option(self, with_group: bool = False, roomy: bool = False) -> Option:
        # Option padding cannot be vertical, so a roomy (kiosk) row gets blank lines around it.
        text = Text("\n" if roomy else "")
        text.append(self.label)
        text.append(f"  {self.code}", style="dim")
        if with_group:
            text.append(f"  · {self.group.label}", style="dim italic")
        if not self.available:
            text.append("  unavailable", style="italic")
        if roomy:
            text.append("\n")
        return Option(text, id=self.id, disabled=not self.available)


@dataclass
class CatalogLoaded(Message):
    products: list[Product]


@dataclass
class CatalogFailed(Message):
    message: str


class HomeScreen(Screen[None]):
    # Focus goes to the first group once the catalog is in, not to the search box.
    AUTO_FOCUS = "OptionList.products"

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(g.key, f"group('{g.id}')", g.label, show=False) for g in (*GROUPS, SERVICES)),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("down", "into_list", show=False),
        Binding("f5", "reload", "Reload"),
        Binding("escape", "escape", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, Sellable] = {}
        self.groups: list[tuple[Group, list[Sellable]]] = []
        self._quit_armed = False

    def compose(self) -> ComposeResult:
        app = self.app
        yield KioskHeader(
            app.title,
            sandbox=app.services.settings.sandbox,
            mode=app.mode,
            float_threshold=app.settings.low_float_threshold if app.shows_float else None,
        )
        with Vertical(id="home"):
            yield Static("What would you like to buy?", id="home-welcome")
            search = Input(
                placeholder="Type to find a product: name or code",
                id="filter",
                select_on_focus=False,
            )
            search.cursor_blink = app.INPUT_CURSOR_BLINK
            yield search
            with ContentSwitcher(initial="home-loading", id="home-body"):
                with Vertical(id="home-loading"):
                    yield LoadingIndicator()
                    yield Static("Loading the catalog…", id="home-status")
                yield Container(id="home-groups")
                yield OptionList(id="results")
        yield Footer()

    def on_mount(self) -> None:
        self._bind_extras()
        self.load_catalog()

    def _bind_extras(self) -> None:
        staff = self.app.mode != "kiosk"
        self._bindings.bind("b", "back_office", "Back office", show=staff)
        taken = {key for key in self._bindings.key_to_bindings}
        for entry, _ in available():
            if entry.key in taken:
                self.notify(
                    f"Services menu: key {entry.key!r} of {entry.label!r} is already taken",
                    severity="warning",
                )
                continue
            taken.add(entry.key)
            self._bindings.bind(entry.key, f"menu('{entry.key}')", entry.label, show=False)
        self.refresh_bindings()

    # Loading -----------------------------------------------------------------------------

    @work(exclusive=True, group="catalog")
    async def load_catalog(self, fresh: bool = False) -> None:
        ugmart = self.app.services.ugmart
        if fresh:
            ugmart.clear_cache()
        try:
            products = await ugmart.products()
        except ApiError as exc:
            self.post_message(CatalogFailed(f"{exc.message} — {exc.hint}"))
            return
        self.post_message(CatalogLoaded(products))

    def on_catalog_failed(self, message: CatalogFailed) -> None:
        self.query_one("#home-status", Static).update(
            f"The catalog could not be loaded: {message.message}\nPress F5 to try again."
        )
        self.query_one("#home-loading LoadingIndicator").display = False
        self.query_one("#home-body", ContentSwitcher).current = "home-loading"

    async def on_catalog_loaded(self, message: CatalogLoaded) -> None:
        self.groups = [
            (group, [self._product_item(p) for p in products])
            for group, products in group_products(message.products)
        ]
        services = self._service_items()
        if services:
            self.groups.append((SERVICES, services))
        self.items = {item.id: item for _, items in self.groups for item in items}
        holder = self.query_one("#home-groups", Container)
        await holder.remove_children()
        tabs = TabbedContent(id="groups")
        await holder.mount(tabs)
        for group, items in self.groups:
            options = [item.option(roomy=self.app.mode == "kiosk") for item in items]
            pane = TabPane(
                f"{group.label} ({group.key})",
                OptionList(*options, id=f"list-{group.id}", classes="products"),
                id=f"tab-{group.id}",
            )
            await tabs.add_pane(pane)
        self.query_one("#home-body", ContentSwitcher).current = (
            "results" if self._query else "home-groups"
        )
        self._filter(self._query)
        self.refresh_bindings()
        if not self.query_one("#filter", Input).has_focus:
            self._focus_group(self.groups[0][0].id if self.groups else None)

    def _product_item(self, product: Product) -> Sellable:
        return Sellable(
            id=f"p:{product.code}",
            label=product.name,
            code=product.code,
            group=group_of(product),
            product=product,
            available=product.available,
        )

    def _service_items(self) -> list[Sellable]:
        items = [
            Sellable(
                id=f"f:{product.code}",
                label=spec.title,
                code=product.code,
                group=SERVICES,
                product=product,
                operator_only=spec.operator_only,
            )
            for spec, product in service_flows(self.app.services.specs)
        ]
        items += [
            Sellable(
                id=f"m:{entry.key}",
                label=entry.label,
                code=entry.key,
                group=SERVICES,
                menu=(entry, factory),
                operator_only=entry.operator_only,
            )
            for entry, factory in available()
        ]
        return items

    # Navigation --------------------------------------------------------------------------

    @property
    def _query(self) -> str:
        return self.query_one("#filter", Input).value.strip()

    def _list(self, group_id: str) -> OptionList | None:
        found = self.query(f"#list-{group_id}")
        return found.first(OptionList) if found else None

    def _focus_group(self, group_id: str | None) -> None:
        if group_id is None:
            return
        self.query_one("#groups", TabbedContent).active = f"tab-{group_id}"
        options = self._list(group_id)
        if options is None:
            return
        options.focus()
        if options.highlighted is None:
            options.action_first()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "group":
            return any(group.id == parameters[0] for group, _ in self.groups)
        return True

    def action_group(self, group_id: str) -> None:
        self.query_one("#filter", Input).value = ""
        self._focus_group(group_id)

    def action_search(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_into_list(self) -> None:
        if self._query:
            self.query_one("#results", OptionList).focus()
        elif self.groups:
            active = self.query_one("#groups", TabbedContent).active.removeprefix("tab-")
            self._focus_group(active or self.groups[0][0].id)

    def action_reload(self) -> None:
        self.query_one("#home-loading LoadingIndicator").display = True
        self.query_one("#home-status", Static).update("Loading the catalog…")
        self.query_one("#home-body", ContentSwitcher).current = "home-loading"
        self.load_catalog(fresh=True)

    def action_back_office(self) -> None:
        self.app.action_back_office()

    def action_menu(self, key: str) -> None:
        item = self.items.get(f"m:{key}")
        if item is not None:
            self._open(item)

    def action_escape(self) -> None:
        if self._query:
            self.action_group(self.query_one("#groups", TabbedContent).active[4:] or "airtime")
            return
        if self.app.mode == "kiosk":
            # A customer's Escape never closes the kiosk: quitting takes the PIN (ctrl+q).
            self.reset()
            return
        if self._quit_armed:
            self.app.exit()
            return
        self._quit_armed = True
        self.notify("Press Escape again to quit.", timeout=3)
        self.set_timer(3, self._disarm_quit)

    def _disarm_quit(self) -> None:
        self._quit_armed = False

    def reset(self) -> None:
        """Back to a clean home for the next customer."""
        self.query_one("#filter", Input).value = ""
        if self.groups:
            self._focus_group(self.groups[0][0].id)

    def on_key(self, event: events.Key) -> None:
        """Typing anywhere on home starts a search; keys bound to actions keep their action."""
        search = self.query_one("#filter", Input)
        if search.has_focus or not event.is_printable or not event.character:
            return
        if event.key in self.app.active_bindings or event.character.isspace():
            return
        event.stop()
        event.prevent_default()
        search.focus()
        search.insert_text_at_cursor(event.character)

    # Filter and selection ----------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _on_filter(self, event: Input.Changed) -> None:
        self._filter(event.value.strip())

    def _filter(self, query: str) -> None:
        if not self.groups:
            return
        results = self.query_one("#results", OptionList)
        results.clear_options()
        if not query:
            self.query_one("#home-body", ContentSwitcher).current = "home-groups"
            return
        found = [item for item in self.items.values() if matches(query, item.label, item.code)]
        roomy = self.app.mode == "kiosk"
        results.add_options([item.option(with_group=True, roomy=roomy) for item in found])
        if not found:
            results.add_option(Option(f"Nothing matches {query!r}", disabled=True))
        self.query_one("#home-body", ContentSwitcher).current = "results"
        results.action_first()

    @on(Input.Submitted, "#filter")
    def _on_search_enter(self) -> None:
        results = self.query_one("#results", OptionList)
        index = results.highlighted
        if index is None:
            return
        option = results.get_option_at_index(index)
        if option.id and not option.disabled:
            self._open(self.items[option.id])

    @on(OptionList.OptionSelected)
    def _on_pick(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id in self.items:
            self._open(self.items[event.option.id])

    def _open(self, item: Sellable) -> None:
        if not item.available:
            return
        if item.operator_only:
            self.app.as_operator(item.label, lambda: self._start(item))
        else:
            self._start(item)

    def _start(self, item: Sellable) -> None:
        if item.menu is not None:
            _, factory = item.menu
            self.app.push_screen(factory(self.app))
            return
        assert item.product is not None
        # A fresh run per sale; the sale screen pops itself when the sale is over.
        from kiosk.tui.screens.sale import SaleScreen

        self.app.push_screen(SaleScreen(self.app.services.new_sale(item.product)))
