"""The sale screens driven by keys against the in-process sandbox: what the sandbox received is
what the screens showed and the keys chose."""

from __future__ import annotations

import io
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, Static

from kiosk.journal import State
from kiosk.sandbox.app import Sandbox
from kiosk.services import Services
from kiosk.tui.app import KioskApp, create_app
from kiosk.tui.messages import SaleFinished
from kiosk.tui.screens.receipt import ReceiptScreen
from kiosk.tui.screens.sale import SaleScreen
from kiosk.tui.widgets.choose_step import ChooseStep
from kiosk.tui.widgets.confirm_step import ConfirmStep
from kiosk.tui.widgets.enter_step import EnterStep
from kiosk.tui.widgets.qr import QrCode
from kiosk.tui.widgets.result_step import ResultStep

CONTACT = "0777044237"
SIZE = (80, 24)


def make_app(services: Services, mode: str = "counter") -> KioskApp:
    settings = services.settings.model_copy(update={"mode": mode})
    app = create_app(settings, services)
    app.INPUT_CURSOR_BLINK = False
    return app


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_sale(pilot: Pilot[Any], code: str) -> SaleScreen:
    await settle(pilot)
    services: Services = pilot.app.services  # type: ignore[attr-defined]
    product = next(p for p in await services.ugmart.products() if p.code == code)
    screen = SaleScreen(services.new_sale(product))
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


def step(pilot: Pilot[Any]) -> Any:
    screen = pilot.app.screen
    assert isinstance(screen, SaleScreen)
    return screen._step


async def choose(pilot: Pilot[Any], text: str) -> None:
    """Type to filter, then Enter picks the first match."""
    assert isinstance(step(pilot), ChooseStep), step(pilot)
    await pilot.press(*text)
    await pilot.press("enter")
    await settle(pilot)


async def enter(pilot: Pilot[Any], text: str, *, clear: bool = False) -> None:
    current = step(pilot)
    assert isinstance(current, EnterStep), current
    if clear:
        current.query_one(Input).value = ""
    await pilot.press(*text)
    await pilot.press("enter")
    await settle(pilot)


async def confirm(pilot: Pilot[Any]) -> ResultStep:
    assert isinstance(step(pilot), ConfirmStep), step(pilot)
    await pilot.press("enter")
    await settle(pilot)
    result = step(pilot)
    assert isinstance(result, ResultStep), result
    return result


def text_of(widget: Any) -> str:
    """The plain text of every Static inside `widget`, tables included."""
    console = Console(width=120, record=True, file=io.StringIO())
    for static in widget.query(Static):
        console.print(static.content)
    return console.export_text()


def sent(sandbox: Sandbox) -> dict[str, Any]:
    return sandbox.ugmart.purchases[-1].request


async def test_mtn_airtime(services: Services, sandbox: Sandbox) -> None:
    async with make_app(services).run_test(size=SIZE) as pilot:
        await open_sale(pilot, "MTN")
        await enter(pilot, "0777044237")
        await enter(pilot, "500")
        result = await confirm(pilot)
        assert result.view.outcome == "success"
    assert sent(sandbox)["amount"] == 500
    assert sent(sandbox)["msisdn"] == "0777044237"


async def test_data_bundle_is_picked_from_a_filtered_list(
    services: Services, sandbox: Sandbox
) -> None:
    async with make_app(services).run_test(size=SIZE) as pilot:
        await open_sale(pilot, "Airtel.Inet")
        await choose(pilot, "1gb")
        await enter(pilot, "0700392138")
        confirm_step = step(pilot)
        assert "10,000 UGX" in text_of(confirm_step)
        await confirm(pilot)
    assert sent(sandbox)["product_code"] == "Airtel.Inet:W1GB"
    assert sent(sandbox)["amount"] == 10000


async def test_umeme_receipt_shows_the_token_in_fours_and_a_qr(
    services: Services, sandbox: Sandbox
) -> None:
    finished: list[SaleFinished] = []

    def hook(message: object) -> None:
        if isinstance(message, SaleFinished):
            finished.append(message)

    async with make_app(services).run_test(size=SIZE, message_hook=hook) as pilot:
        await open_sale(pilot, "UMEME")
        await enter(pilot, "04230640783")
        await enter(pilot, CONTACT)
        await enter(pilot, "1500")
        result = await confirm(pilot)
        token = dict(result.view.highlight)["Token"]
        assert token.split() and all(len(group) == 4 for group in token.split())
        assert token in text_of(result)
        assert result.query(QrCode)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReceiptScreen)
        assert token in text_of(pilot.app.screen)
        await pilot.press("escape")
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, SaleScreen)
    assert sent(sandbox)["amount"] == 1500
    assert sent(sandbox)["details"] == {"contact_phone": CONTACT}
    assert [(m.transaction_id, m.outcome) for m in finished] == [
        (sent(sandbox)["transaction_id"], "success")
    ]


async def test_nwsc_with_area(services: Services, sandbox: Sandbox) -> None:
    async with make_app(services).run_test(size=SIZE) as pilot:
        await open_sale(pilot, "NWSC")
        await choose(pilot, "kamp")
        await enter(pilot, "21169727")
        await enter(pilot, CONTACT)
        await enter(pilot, "1500")
        await confirm(pilot)
    assert sent(sandbox)["details"] == {"contact_phone": CONTACT, "area_id": "Kampala"}


async def test_startimes(services: Services, sandbox: Sandbox) -> None:
    async with make_app(services).run_test(size=SIZE) as pilot:
        await open_sale(pilot, "STARTIMES")
        await enter(pilot, "02036620039")
        await enter(pilot, CONTACT)
        await enter(pilot, "1500")
        await confirm(pilot)
    assert (sent(sandbox)["product_code"], sent(sandbox)["amount"]) == ("STARTIMES", 1500)


async def test_gotv_lite_uses_its_own_period_list(services: Services, sandbox: Sandbox) -> None:
    async with make_app(services).run_test(size=SIZE) as pilot:
        await open_sale(pilot, "GOtv")
        await choose(pilot, "bouquet")
        await choose(pilot, "lite bouquet")
        await choose(pilot, "2 months")
        await enter(pilot, "2022750158")
        await enter(pilot, CONTACT)
        assert "44,000 UGX" in text_of(step(pilot))
        await confirm(pilot)
    body = sent(sandbox)
    assert body["product_code"] == "GOtv:GOLITE"
    assert body["details"]["period"] == "GOtv.Period2:2"
    assert body["amount"] == 44000


@pytest.mark.parametrize(
    ("feature", "period", "amount", "secondary"),
    [
        ("yes", "1 month", 74250, "DSTV.Secondary:HDPVRE36"),
        ("no", "1 month", 33000, None),
    ],
    ids=["with-secondary", "without-secondary-prose-rule"],
)
async def test_dstv_bouquet(
    services: Services,
    sandbox: Sandbox,
    feature: str,
    period: str,
    amount: int,
    secondary: str | None,
) -> None:
    async with make_app(services).run_test(size=SIZE) as pilot:
        await open_sale(pilot, "DSTV.Primary")
        await choose(pilot, "specify")
        await choose(pilot, "access bouquet")
        await choose(pilot, feature)
        if secondary:
            await choose(pilot, "hdpvr")
        await choose(pilot, period)
        await enter(pilot, "1025628563")
        await enter(pilot, CONTACT)
        assert f"{amount:,} UGX" in text_of(step(pilot))
        await confirm(pilot)
    body = sent(sandbox)
    assert body["amount"] == amount
    assert body["details"].get("secondary_product_code") == secondary


async def test_dstv_top_up_prefills_the_amount_due(services: Services, sandbox: Sandbox) -> None:
    async with make_app(services).run_test(size=SIZE) as pilot:
        await open_sale(pilot, "DSTV.Primary")
        await choose(pilot, "top up")
        await enter(pilot, "1025628563")
        await enter(pilot, CONTACT)
        assert step(pilot).query_one(Input).value == "172500"
        await enter(pilot, "")
        await confirm(pilot)
    assert sent(sandbox)["amount"] == 172500


async def test_invalid_account_shows_the_server_message_and_keeps_entries(
    services: Services, sandbox: Sandbox
) -> None:
    async with make_app(services).run_test(size=SIZE) as pilot:
        await open_sale(pilot, "UMEME")
        await enter(pilot, "123")
        await enter(pilot, CONTACT)
        await enter(pilot, "1500")
        current = step(pilot)
        assert isinstance(current, EnterStep) and current.view.step_id == "msisdn"
        assert current.query_one(Input).value == "123"
        assert "is not valid for UMEME Yaka" in text_of(current)
        await enter(pilot, "04230640783", clear=True)
        assert step(pilot).query_one(Input).value == CONTACT
        await enter(pilot, "")
        assert step(pilot).query_one(Input).value == "1500"
        await enter(pilot, "")
        assert isinstance(step(pilot), ConfirmStep)
    assert sandbox.ugmart.purchases == []


async def test_escape_goes_back_keeping_what_was_typed(services: Services) -> None:
    async with make_app(services).run_test(size=SIZE) as pilot:
        await open_sale(pilot, "STARTIMES")
        await enter(pilot, "02036620039")
        await pilot.press(*"0777")
        await pilot.press("escape")
        await settle(pilot)
        assert step(pilot).query_one(Input).value == "02036620039"
        await pilot.press("enter")
        await settle(pilot)
        assert step(pilot).query_one(Input).value == "0777"
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, SaleScreen)


async def test_unknown_outcome_is_settled_by_r_without_a_second_charge(
    services: Services, sandbox: Sandbox
) -> None:
    async with make_app(services).run_test(size=SIZE) as pilot:
        await open_sale(pilot, "MTN")
        await enter(pilot, "0777044237")
        await enter(pilot, "500")
        # The purchase is committed but its answer lost, and the look-up right after fails
        # too (every attempt): only then is the outcome still unknown on screen.
        sandbox.faults.push("drop", path="/api/products/purchase")
        for _ in range(3):
            sandbox.faults.push("503", path="/api/transactions")
        result = await confirm(pilot)
        assert result.view.outcome == "unknown"
        assert "Do NOT sell again" in text_of(result)
        txid = result.view.transaction_id
        await pilot.press("r")
        await settle(pilot)
        settled = step(pilot)
        assert isinstance(settled, ResultStep) and settled.view.outcome == "success"
        assert settled.view.transaction_id == txid
    assert sandbox.ugmart.charges_for(txid) == 1
    entry = services.journal.get(txid)
    assert entry is not None and entry.state is State.SUCCESS


async def test_a_second_enter_while_the_purchase_runs_is_ignored(
    services: Services, sandbox: Sandbox
) -> None:
    async with make_app(services).run_test(size=SIZE) as pilot:
        await open_sale(pilot, "MTN")
        await enter(pilot, "0777044237")
        await enter(pilot, "500")
        # A slow answer, so the extra keys land while the purchase is in flight.
        sandbox.faults.push("latency", path="/api/products/purchase", seconds=0.5)
        await pilot.press("enter", "enter", "y")
        await settle(pilot)
        assert isinstance(step(pilot), ResultStep)
    assert len(sandbox.ugmart.purchases) == 1
