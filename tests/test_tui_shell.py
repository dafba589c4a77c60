"""The app shell: home, hotkeys, filter, float, modes, PIN, themes and the start-up checks."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import stat
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import DataTable, Input, OptionList, TabbedContent

from kiosk.api.catalog_models import Product
from kiosk.cli.app_cmd import EX_CONFIG, run_app
from kiosk.cli.office_cmd import write_pin_hash
from kiosk.flows.receipt import reprint_view
from kiosk.flows.spec import builtin_specs
from kiosk.journal import State
from kiosk.sandbox.app import Sandbox
from kiosk.services import Services, build_services
from kiosk.settings import Settings, config_file
from kiosk.tui.app import KioskApp, create_app
from kiosk.tui.messages import SaleFinished
from kiosk.tui.pin import PinGuard, Verdict, hash_pin, verify_pin
from kiosk.tui.screens.home import HomeScreen, group_products, matches
from kiosk.tui.screens.office import OfficeScreen
from kiosk.tui.screens.pin import PinScreen
from kiosk.tui.screens.receipt import ReceiptScreen
from kiosk.tui.screens.sale import SaleScreen
from kiosk.tui.services_menu import MenuEntry, available
from kiosk.tui.themes import THEMES_DIR, load_themes, theme_for
from kiosk.tui.widgets.float_balance import FloatBalance

PIN = "2468"
MakeApp = Callable[..., KioskApp]


@pytest.fixture
def sale_screens() -> list[str]:
    """Codes of the products the app started a sale of."""
    return []


@pytest.fixture
async def make_app(
    tmp_path: Path, sandbox: Sandbox, sale_screens: list[str]
) -> AsyncIterator[MakeApp]:
    built: list[Services] = []

    def make(**overrides: Any) -> KioskApp:
        themes_dir = overrides.pop("themes_dir", THEMES_DIR)
        settings = Settings(data_dir=tmp_path, **overrides)
        services = build_services(settings, sandbox=sandbox)
        counter = itertools.count(1)
        services.new_id = lambda: f"KTEST{next(counter):06d}"
        sold = services.new_sale

        def new_sale(product: Product, on_progress: Any = None) -> Any:
            sale_screens.append(product.code)
            return sold(product, on_progress)

        services.new_sale = new_sale  # type: ignore[method-assign]
        built.append(services)
        return create_app(settings, services, themes_dir=themes_dir)

    yield make
    for services in built:
        await services.aclose()


async def settle(pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def notices(app: KioskApp) -> list[str]:
    return [notification.message for notification in app._notifications]


# Home -----------------------------------------------------------------------------------


async def test_home_groups_the_sandbox_catalog_in_order(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert [group.id for group, _ in home.groups] == [
            "airtime",
            "internet",
            "utilities",
            "tv",
            "taxes",
            "services",
        ]
        airtime = app.query_one("#list-airtime", OptionList)
        assert airtime.has_focus
        assert {item.code for _, items in home.groups[:1] for item in items} == {"AIRTEL", "MTN"}
        # No product of another type: the Other group and its hotkey are hidden.
        assert "o" not in app.active_bindings
        assert "a" in app.active_bindings


async def test_group_hotkey_then_enter_opens_the_sale(
    make_app: MakeApp, sale_screens: list[str]
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        assert app.query_one("#groups", TabbedContent).active == "tab-tv"
        assert app.query_one("#list-tv", OptionList).has_focus
        await pilot.press("a", "down", "enter")
        await pilot.pause()
        assert sale_screens == ["MTN"]
        assert isinstance(app.screen, SaleScreen)


async def test_a_whole_airtime_sale_from_home_in_five_keystroke_groups(
    make_app: MakeApp, sandbox: Sandbox
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for keys in (("a", "down", "enter"), (*"0772123456", "enter"), (*"5000", "enter")):
            await pilot.press(*keys)
            await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert [p.request["amount"] for p in sandbox.purchases] == [5000]
        # The sale screen reported the sale and the float came back down by the sale.
        assert app.float_state.amount == 5_000_000 - 5000
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        # The back office lists the sale and reprints its receipt from the journal.
        await pilot.press("b")
        await settle(pilot)
        assert app.screen.query_one("#journal", DataTable).row_count == 1
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ReceiptScreen)
        assert app.screen.view.transaction_id == "KTEST000001"


async def test_typing_filters_all_products_by_name_or_code(
    make_app: MakeApp, sale_screens: list[str]
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", "w", "s", "c")
        search = app.query_one("#filter", Input)
        assert search.value == "nwsc"
        results = app.query_one("#results", OptionList)
        assert [results.get_option_at_index(i).id for i in range(results.option_count)] == [
            "p:NWSC"
        ]
        await pilot.press("escape")
        assert search.value == ""
        await pilot.press("slash", *"mtn air", "enter")
        await pilot.pause()
        assert sale_screens == ["MTN"]


async def test_unavailable_product_is_shown_but_not_sold(
    make_app: MakeApp, sandbox: Sandbox, sale_screens: list[str]
) -> None:
    for product in sandbox.ugmart.catalog.products:
        if product["code"] == "MTN":
            product["available"] = False
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        options = app.query_one("#list-airtime", OptionList)
        mtn = options.get_option("p:MTN")
        assert mtn.disabled
        await pilot.press(*"mtn", "enter")
        await pilot.pause()
        assert sale_screens == []
        assert isinstance(app.screen, HomeScreen)


def test_groups_and_matching_need_no_product_codes() -> None:
    products = [
        Product(name="Zed", type="AIRTIME", code="Z"),
        Product(name="Lottery", type="GAMES", code="L1"),
        Product(name="Alpha", type="AIRTIME", code="A"),
    ]
    groups = group_products(products)
    assert [(g.id, [p.code for p in items]) for g, items in groups] == [
        ("airtime", ["A", "Z"]),
        ("other", ["L1"]),
    ]
    assert matches("air mtn", "MTN Airtime", "MTN")
    assert not matches("airtel", "MTN Airtime", "MTN")


async def test_services_area_lists_service_flows(
    make_app: MakeApp, sale_screens: list[str]
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        services = app.query_one("#list-services", OptionList)
        assert services.has_focus
        ids = [services.get_option_at_index(i).id for i in range(services.option_count)]
        assert "f:UMS.SMS" in ids
        await pilot.press("enter")
        await pilot.pause()
        assert len(sale_screens) == 1


def test_services_menu_hides_entries_whose_module_is_missing() -> None:
    entries = [
        MenuEntry("k", "Office", "kiosk.tui.screens.office:OfficeScreen"),
        MenuEntry("z", "Not yet", "kiosk.tui.screens.not_written_yet:Screen"),
    ]
    assert [entry.key for entry, _ in available(entries)] == ["k"]


# Float ------------------------------------------------------------------------------------


async def test_float_is_shown_and_refreshed_after_a_sale(
    make_app: MakeApp, sandbox: Sandbox
) -> None:
    app = make_app(low_float_threshold=50_000)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = app.query_one(FloatBalance)
        assert "5,000,000 UGX" in str(shown.render())
        assert not shown.has_class("-low")
        account = app.services.account_code
        sandbox.ugmart.set_balance(account, "UGX", 42_000)
        app.post_message(SaleFinished("KTEST000001", "success"))
        await settle(pilot)
        assert "42,000 UGX" in str(shown.render())
        assert shown.has_class("-low")


async def test_kiosk_mode_hides_the_float(make_app: MakeApp) -> None:
    app = make_app(mode="kiosk")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.query(FloatBalance)
        assert app.has_class("-kiosk-mode")


# Kiosk mode -------------------------------------------------------------------------------


async def test_kiosk_idle_timeout_goes_home_and_clears_entries(make_app: MakeApp) -> None:
    app = make_app(mode="kiosk", idle_timeout=0.2)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"mtn")
        await app.push_screen(Screen())
        assert len(app.screen_stack) == 2
        for _ in range(20):
            await asyncio.sleep(0.05)
            if len(app.screen_stack) == 1:
                break
        assert isinstance(app.screen, HomeScreen)
        assert app.query_one("#filter", Input).value == ""


async def test_escape_on_home_never_quits_in_kiosk_mode(make_app: MakeApp) -> None:
    app = make_app(mode="kiosk")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "escape", "escape")
        assert app.return_code is None
        assert isinstance(app.screen, HomeScreen)


async def test_escape_twice_on_home_quits_in_counter_mode(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        assert app.return_code is None
        await pilot.press("escape")
        assert app.return_code == 0


async def test_back_office_needs_the_pin_and_locks_after_three_tries(
    make_app: MakeApp,
) -> None:
    app = make_app(mode="kiosk", operator_pin_hash=hash_pin(PIN))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        assert isinstance(app.screen, PinScreen)
        for _ in range(3):
            await pilot.press(*"1111", "enter")
        assert "Too many wrong PINs" in str(app.screen.query_one("#pin-error").render())
        assert app.screen.query_one("#pin-input", Input).disabled
        await pilot.press("escape")
        await pilot.press("b")
        await pilot.press(*PIN, "enter")
        await pilot.pause()
        assert isinstance(app.screen, PinScreen)
        assert not isinstance(app.screen, OfficeScreen)


async def test_right_pin_opens_back_office(make_app: MakeApp) -> None:
    app = make_app(mode="kiosk", operator_pin_hash=hash_pin(PIN))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b", *PIN, "enter")
        await settle(pilot)
        assert isinstance(app.screen, OfficeScreen)


async def test_kiosk_without_a_pin_refuses_back_office_and_says_how(make_app: MakeApp) -> None:
    app = make_app(mode="kiosk")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("kiosk set-pin" in text for text in notices(app))


async def test_quitting_the_kiosk_needs_the_pin(make_app: MakeApp) -> None:
    app = make_app(mode="kiosk", operator_pin_hash=hash_pin(PIN))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, PinScreen)
        assert app.return_code is None
        await pilot.press(*PIN, "enter")
        await pilot.pause()
        assert app.return_code == 0


def test_pin_guard_locks_out_then_recovers() -> None:
    now = [1000.0]
    guard = PinGuard(hash_pin(PIN), lockout_seconds=60, clock=lambda: now[0])
    assert guard.check("0000").verdict is Verdict.WRONG
    assert guard.check("0000").tries_left == 1
    assert guard.check("0000").verdict is Verdict.LOCKED
    assert guard.check(PIN).verdict is Verdict.LOCKED
    now[0] += 61
    assert guard.check(PIN).verdict is Verdict.OK
    assert PinGuard(None).check(PIN).verdict is Verdict.NOT_SET


def test_pin_hash_is_salted_and_verifies() -> None:
    first, second = hash_pin(PIN), hash_pin(PIN)
    assert first != second and PIN not in first
    assert verify_pin(PIN, first) and not verify_pin("2469", first)
    with pytest.raises(ValueError):
        hash_pin("12")


# Back office --------------------------------------------------------------------------------


async def test_backoffice_mode_opens_on_balances_and_journal(
    make_app: MakeApp,
) -> None:
    app = make_app(mode="backoffice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OfficeScreen)
        balances = app.screen.query_one("#balances")
        assert balances.row_count >= 1
        assert app.theme == "office"


def test_reprint_rebuilds_the_receipt_from_the_journal(services: Services) -> None:
    journal = services.journal
    journal.record_intent(
        transaction_id="KTEST000009",
        service="ugmart",
        kind="purchase",
        request={},
        product_code="UMEME",
        product_name="UMEME Yaka",
        product_type="UTILITIES",
        account="04230640783",
        amount=20_000,
    )
    entry = journal.record_outcome(
        "KTEST000009",
        State.SUCCESS,
        message="ok",
        response={"data": {"details": {"token": "12345678901234567890", "units": 31.4}}},
    )
    view = reprint_view(entry, builtin_specs())
    assert view.transaction_id == "KTEST000009"
    assert view.outcome == "success"
    assert ("Token", "1234 5678 9012 3456 7890") in view.highlight


# Themes ---------------------------------------------------------------------------------------


def test_shipped_themes_load_and_modes_pick_them() -> None:
    themes, problems = load_themes()
    assert problems == []
    by_name = {theme.name: theme for theme in themes}
    assert {"counter", "kiosk", "office"} <= set(by_name)
    assert by_name["counter"].dark and not by_name["office"].dark
    assert theme_for("backoffice", None) == "office"
    assert theme_for("kiosk", "counter") == "counter"


async def test_bad_theme_file_is_reported_not_fatal(make_app: MakeApp, tmp_path: Path) -> None:
    themes = tmp_path / "themes"
    themes.mkdir()
    (themes / "counter.toml").write_text((THEMES_DIR / "counter.toml").read_text())
    (themes / "broken.toml").write_text('name = "broken"\nprimary = "not-a-colour"\n')
    (themes / "garbled.toml").write_text("name = [\n")
    app = make_app(themes_dir=themes)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "counter"
        texts = notices(app)
        assert any("broken.toml" in text and "primary" in text for text in texts)
        assert any("garbled.toml" in text for text in texts)


# Start-up -------------------------------------------------------------------------------------


def test_open_config_file_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    path = config_file()
    path.parent.mkdir(parents=True)
    path.write_text('mode = "counter"\n')
    path.chmod(0o644)
    code = run_app(argparse.Namespace(mode=None, theme=None))
    assert code == EX_CONFIG
    assert "chmod 600" in capsys.readouterr().err


def test_set_pin_writes_the_hash_privately_and_keeps_other_settings() -> None:
    path = config_file()
    path.parent.mkdir(parents=True)
    path.write_text('mode = "kiosk"\noperator_pin_hash = "old"\n\n[extra]\nx = 1\n')
    pin_hash = hash_pin(PIN)
    write_pin_hash(path, pin_hash)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    settings = Settings()
    assert settings.mode == "kiosk"
    assert settings.operator_pin_hash == pin_hash
    assert path.read_text().count("operator_pin_hash") == 1
