"""The sandbox's catalog is one account's example: products no spec names are sold by the
generic flow, driven by their own fields, end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.flows.autopilot import run_unattended
from kiosk.journal import State
from kiosk.sandbox.app import Sandbox
from kiosk.sandbox.catalog import Catalog
from kiosk.sandbox.ugmart import UgmartSandbox
from kiosk.services import build_services
from kiosk.settings import Settings


def other_catalog() -> Catalog:
    catalog = Catalog(
        products=[
            {
                "name": "KCCA Trading Licence",
                "type": "OTHERS",
                "code": "KCCA.TL",
                "price": 1000,
                "has_price_list": False,
                "available": True,
                "billable": True,
            },
            {
                "name": "Kwese Satellite",
                "type": "SATELLITE",
                "code": "KWESE",
                "price": 5000,
                "has_price_list": True,
                "available": True,
                "billable": False,
            },
            {
                "name": "Lyca Airtime",
                "type": "AIRTIME",
                "code": "LYCA",
                "price": 200,
                "has_price_list": False,
                "available": True,
                "billable": False,
            },
        ],
        price_lists={
            "KWESE": [
                {"code": "KWESE:LITE", "price": 15000, "name": "Kwese Lite"},
                {"code": "KWESE:MAX", "price": 45000, "name": "Kwese Max"},
            ]
        },
    )
    catalog.add_account("KCCA.TL", "TL-2026-0042", customer_name="NAMAGEMBE TRADERS", balance=2500)
    catalog.add_account("KWESE", "KW778812", customer_name="OKELLO PAUL")
    return catalog


@pytest.mark.parametrize(
    ("code", "answers", "amount", "flow"),
    [
        (
            "KCCA.TL",
            {"msisdn": "TL-2026-0042", "contact_phone": "0777044237", "amount": "3000"},
            3000,
            "generic",
        ),
        ("KWESE", {"product_code": "KWESE:MAX", "msisdn": "KW778812"}, 45000, "generic"),
        ("LYCA", {"msisdn": "0751234567", "amount": "300"}, 300, "airtime"),
    ],
)
async def test_unknown_products_sell_through_their_own_fields(
    tmp_path: Path, code: str, answers: dict[str, str], amount: int, flow: str
) -> None:
    sandbox = Sandbox(ugmart=UgmartSandbox(catalog=other_catalog()))
    services = build_services(Settings(data_dir=tmp_path), sandbox=sandbox)
    try:
        product = next(p for p in await services.ugmart.products() if p.code == code)
        run = services.new_sale(product)
        assert run.spec.id == flow
        result = await run_unattended(run, answers)
        assert result.outcome == "success", result.message
        assert services.journal.get(result.transaction_id).state is State.SUCCESS
    finally:
        await services.aclose()
    assert sandbox.ugmart.purchases[-1].request["amount"] == amount


async def test_arrears_of_an_unknown_product_are_still_a_floor(tmp_path: Path) -> None:
    from kiosk.flows.autopilot import AnswerNeeded

    sandbox = Sandbox(ugmart=UgmartSandbox(catalog=other_catalog()))
    services = build_services(Settings(data_dir=tmp_path), sandbox=sandbox)
    try:
        product = next(p for p in await services.ugmart.products() if p.code == "KCCA.TL")
        with pytest.raises(AnswerNeeded) as caught:
            await run_unattended(
                services.new_sale(product),
                {"msisdn": "TL-2026-0042", "contact_phone": "0777044237", "amount": "1500"},
            )
    finally:
        await services.aclose()
    assert caught.value.step_id == "amount" and "2,500" in caught.value.message
    assert sandbox.ugmart.purchases == []
