"""The embedded Ugmart sandbox, endpoint by endpoint, in-process with plain httpx.

Numbers come from ugmart-api.txt; where an example contradicts the prose (DStv without a
secondary product) the prose wins.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from kiosk.sandbox.app import UGMART_BASE, UMS_BASE, Sandbox
from kiosk.sandbox.catalog import Catalog
from kiosk.sandbox.faults import Faults
from kiosk.sandbox.ugmart import UgmartSandbox

ACCOUNT = "15B0D8D8BE"
CONTACT = {"contact_phone": "0777044237"}


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def box(clock: Clock) -> Sandbox:
    return Sandbox(ugmart=UgmartSandbox(clock=clock, token_ttl=1800, collection_delay=5))


async def _client(box: Sandbox) -> httpx.AsyncClient:
    client = httpx.AsyncClient(transport=box.transport(), base_url=UGMART_BASE)
    login = await client.post(
        "/login", json={"email": "jane.doe@domain.com", "password": "password"}
    )
    client.headers["Authorization"] = f"Bearer {login.json()['token']}"
    return client


@pytest.fixture
async def api(box: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    client = await _client(box)
    yield client
    await client.aclose()


def purchase_body(txid: str = "auto", **fields: Any) -> dict[str, Any]:
    body = {
        "account_code": ACCOUNT,
        "transaction_id": txid,
        "amount": 500,
        "msisdn": "0777044237",
        "product_code": "MTN",
        "description": "MTN Airtime",
    }
    body.update(fields)
    return body


def dstv(amount: int, **details: str) -> dict[str, Any]:
    return purchase_body(
        amount=amount,
        msisdn="1025628563",
        product_code="DSTV.Primary:ACSSE36",
        description="DStv Access Bouquet E36 - 33,000 UGX",
        details={**CONTACT, "purchase_mode": "Bouquet", "period": "DSTV.Period:1", **details},
    )


async def ugx(api: httpx.AsyncClient) -> float:
    wallets = (await api.get(f"/balance/{ACCOUNT}")).json()["data"]["wallets"]
    return next(w["balance"] for w in wallets if w["currency"] == "UGX")


# -- auth ------------------------------------------------------------------------------------


async def test_login_gives_a_jwt_that_expires_after_the_ttl(box: Sandbox, clock: Clock) -> None:
    async with httpx.AsyncClient(transport=box.transport(), base_url=UGMART_BASE) as client:
        answer = await client.post(
            "/login", json={"email": "jane.doe@domain.com", "password": "password"}
        )
        assert answer.status_code == 200
        body = answer.json()
        assert body["expires_in"] == 1800 and body["email"] == "jane.doe@domain.com"
        assert len(body["token"].split(".")) == 3
        headers = {"Authorization": f"Bearer {body['token']}"}
        clock.now += 1799
        assert (await client.get("/payment-providers", headers=headers)).status_code == 200
        clock.now += 1
        expired = await client.get("/payment-providers", headers=headers)
    assert expired.status_code == 401
    assert expired.json() == {"code": 401, "message": "Expired JWT. Please renew it"}


async def test_token_ttl_is_configurable(clock: Clock) -> None:
    box = Sandbox(ugmart=UgmartSandbox(clock=clock, token_ttl=30))
    async with httpx.AsyncClient(transport=box.transport(), base_url=UGMART_BASE) as client:
        body = (
            await client.post(
                "/login", json={"email": "jane.doe@domain.com", "password": "password"}
            )
        ).json()
        clock.now += 30
        answer = await client.get("/balance", headers={"Authorization": f"Bearer {body['token']}"})
    assert body["expires_in"] == 30
    assert answer.status_code == 401


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer not.a.token"}, {"Authorization": "Basic abc"}]
)
async def test_missing_or_wrong_token_is_401(box: Sandbox, headers: dict[str, str]) -> None:
    async with httpx.AsyncClient(transport=box.transport(), base_url=UGMART_BASE) as client:
        answer = await client.get("/products", headers=headers)
    assert answer.status_code == 401
    assert answer.json()["code"] == 401 and answer.json()["message"]


async def test_wrong_password_is_401(box: Sandbox) -> None:
    async with httpx.AsyncClient(transport=box.transport(), base_url=UGMART_BASE) as client:
        answer = await client.post(
            "/login", json={"email": "jane.doe@domain.com", "password": "wrong"}
        )
    assert answer.status_code == 401
    assert "token" not in answer.json()


# -- providers, balances ---------------------------------------------------------------------


async def test_payment_providers_are_the_documents(api: httpx.AsyncClient) -> None:
    body = (await api.get("/payment-providers")).json()
    assert body["code"] == 200 and body["status"] == "SUCCESS"
    assert [p["code"] for p in body["data"]] == [
        "airtel_money",
        "mtn_mobile_money",
        "smart_pesa",
        "visa_mastercard",
    ]


async def test_balances_all_one_and_unknown(api: httpx.AsyncClient) -> None:
    everything = (await api.get("/balance")).json()["data"]
    one = (await api.get(f"/balance/{ACCOUNT}")).json()["data"]
    missing = await api.get("/balance/15B0D8D8B")
    assert everything == [one]
    assert one["account_name"] == "GBi-Solutions (U) Ltd"
    assert {"currency": "USD", "balance": 0.96} in one["wallets"]
    assert await ugx(api) >= 1_000_000
    assert missing.status_code == 404
    assert missing.json() == {
        "code": 404,
        "status": "FAILED",
        "message": "Collection Account with code '15B0D8D8B' does not exist in your profile",
        "data": [],
    }


# -- catalog ---------------------------------------------------------------------------------


async def test_products_list_and_price_lists(api: httpx.AsyncClient) -> None:
    codes = {p["code"] for p in (await api.get("/products")).json()["data"]}
    assert {"AIRTEL", "MTN", "VodafoneInet.Bundle", "Airtel.Inet", "URA", "UMEME", "NWSC"} <= codes
    assert {"STARTIMES", "TVNXT", "DPB", "FTA", "Azam", "GOtv", "DSTV.Primary"} <= codes
    dstv_list = (await api.get("/products", params={"code": "DSTV.Primary"})).json()
    assert dstv_list["message"] == "Request completed successfully."
    assert len(dstv_list["data"]) == 8
    gotv_list = (await api.get("/products", params={"code": "GOtv"})).json()["data"]
    assert len(gotv_list) == 6
    airtel = (await api.get("/products", params={"code": "Airtel.Inet"})).json()["data"]
    assert {"code": "Airtel.Inet:D25MB", "price": 500, "name": "1 Day, 25MB - 500 UGX"} in airtel
    azam = (await api.get("/products", params={"code": "Azam"})).json()["data"]
    assert {"code": "Azam:APURE", "price": 10000, "name": "Azam Pure - 10,000 UGX"} in azam


async def test_price_list_of_a_plain_or_unknown_product_is_404(api: httpx.AsyncClient) -> None:
    plain = await api.get("/products", params={"code": "AIRTEL"})
    unknown = await api.get("/products", params={"code": "NOPE"})
    assert plain.status_code == 404 and "no price list" in plain.json()["message"]
    assert unknown.status_code == 404
    assert unknown.json()["message"] == "Product 'NOPE' does not exist"


async def test_choice_lists(api: httpx.AsyncClient) -> None:
    async def ids(**params: str) -> list[str]:
        answer = await api.get("/products/choice-list", params=params)
        return [c["id"] for c in answer.json()["data"]]

    assert await ids(code="NWSC") == ["Entebbe", "Iganga", "Jinja", "Kampala"]
    assert await ids(code="GOtv") == ["Bouquet", "TopUp"]
    assert await ids(code="DSTV.Primary") == ["Bouquet", "TopUp"]
    assert await ids(code="DSTV.Primary", type="features") == ["Yes", "No"]
    none = await api.get("/products/choice-list", params={"code": "MTN"})
    assert none.status_code == 404


async def test_secondary_price_lists(api: httpx.AsyncClient) -> None:
    async def items(list_id: str, primary: str) -> list[dict[str, Any]]:
        answer = await api.get(
            "/products/secondary-price-list", params={"id": list_id, "primary": primary}
        )
        return answer.json()["data"]

    period = await items("GOtv.Period", "GOtv")
    assert [p["price"] for p in period] == list(range(1, 12))
    assert period[0] == {"code": "GOtv.Period:1", "price": 1, "name": "1 Month"}
    assert [p["code"] for p in await items("GOtv.Period2", "GOtv")] == [
        "GOtv.Period2:1",
        "GOtv.Period2:2",
        "GOtv.Period2:3",
    ]
    assert len(await items("GOtv.Period3", "GOtv")) >= 1
    assert [p["code"] for p in await items("DSTV.Period", "DSTV.Primary")] == [
        "DSTV.Period:1",
        "DSTV.Period:3",
        "DSTV.Period:12",
    ]
    assert await items("DSTV.Secondary", "DSTV.Primary") == [
        {
            "code": "DSTV.Secondary:HDPVRE36",
            "price": 41250,
            "name": "DStv HDPVR Access Service E36 - 41,250 UGX",
        }
    ]
    missing = await api.get(
        "/products/secondary-price-list", params={"id": "GOtv.Period9", "primary": "GOtv"}
    )
    assert missing.status_code == 404


# -- validation ------------------------------------------------------------------------------

DOCUMENT_VALIDATIONS = [
    ({"amount": 1000, "msisdn": "0700392138", "product_code": "AIRTEL"}, {}),
    ({"amount": 1000, "msisdn": "0723190253", "product_code": "VodafoneInet.Bundle:841"}, {}),
    (
        {
            "amount": 1000,
            "msisdn": "21169727",
            "product_code": "NWSC",
            "details": {**CONTACT, "area_id": "Kampala"},
        },
        {"customer_name": "KIWANUKA JOSEPH", "balance": -529, "tariff_charge": 0},
    ),
    (
        {"amount": 1500, "msisdn": "04230640783", "product_code": "UMEME", "details": CONTACT},
        {"customer_name": "SAM BUSULWA", "balance": 587, "tariff_charge": 0},
    ),
    (
        {"amount": 2000, "msisdn": "02036620039", "product_code": "STARTIMES", "details": CONTACT},
        {"customer_name": "NASSIWA OLIVIA", "tariff_charge": 0},
    ),
    (
        {"amount": 2000, "msisdn": "4023", "product_code": "TVNXT", "details": CONTACT},
        {"customer_name": "MUKASA MOSES", "tariff_charge": 0},
    ),
    (
        {"amount": 2000, "msisdn": "513472", "product_code": "DPB", "details": CONTACT},
        {"tariff_charge": 0},
    ),
    (
        {
            "amount": 10000,
            "msisdn": "212911665676",
            "product_code": "Azam:APURE",
            "details": CONTACT,
        },
        {"customer_name": "BRIDGET KOMUHANGI", "tariff_charge": 0},
    ),
    (
        {
            "amount": 10000,
            "msisdn": "2022750158",
            "product_code": "GOtv",
            "details": {**CONTACT, "purchase_mode": "TopUp"},
        },
        {"customer_name": "NAKAWEESI K", "tariff_charge": 0},
    ),
    (
        {
            "amount": 10000,
            "msisdn": "1025628563",
            "product_code": "DSTV.Primary",
            "details": {**CONTACT, "purchase_mode": "TopUp"},
        },
        {
            "customer_name": "LAWRENCE B, DUE: 172500 UGX / 11-APR-2018",
            "due_amount": 172500,
            "due_date": "11-Apr-2018",
            "tariff_charge": 0,
        },
    ),
]


@pytest.mark.parametrize(("request_body", "extras"), DOCUMENT_VALIDATIONS)
async def test_document_validations(
    api: httpx.AsyncClient, request_body: dict[str, Any], extras: dict[str, Any]
) -> None:
    answer = await api.post("/products/validate", json=request_body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"] == {"valid": True, "msisdn": request_body["msisdn"], **extras}


async def test_validation_reports_a_tariff_for_ura(api: httpx.AsyncClient) -> None:
    answer = await api.post(
        "/products/validate",
        json={
            "amount": 150000,
            "msisdn": "2240001234567",
            "product_code": "URA",
            "details": CONTACT,
        },
    )
    assert answer.json()["data"]["tariff_charge"] == 1000


@pytest.mark.parametrize("msisdn", ["0723190253", "0700392138", "256777044237"])
async def test_any_ugandan_mobile_is_an_airtime_recipient(
    api: httpx.AsyncClient, msisdn: str
) -> None:
    answer = await api.post(
        "/products/validate", json={"amount": 500, "msisdn": msisdn, "product_code": "AIRTEL"}
    )
    assert answer.status_code == 200


VALIDATION_FAILURES = [
    (
        {"amount": 500, "msisdn": "12345", "product_code": "AIRTEL"},
        400,
        "The phone number '12345' is not valid for Airtel Airtime",
    ),
    (
        {"amount": 1000, "msisdn": "0799", "product_code": "Airtel.Inet:D25MB"},
        400,
        "The phone number '0799' is not valid for Airtel Internet",
    ),
    (
        {"amount": 1500, "msisdn": "999", "product_code": "UMEME", "details": CONTACT},
        400,
        "Account number '999' is not valid for UMEME Yaka",
    ),
    (
        {"amount": 500, "msisdn": "0777044237", "product_code": "NOPE"},
        404,
        "Product 'NOPE' does not exist",
    ),
    (
        {"amount": 1500, "msisdn": "04230640783", "product_code": "UMEME"},
        400,
        "Please provide a value for the 'contact_phone' parameter",
    ),
    (
        {"amount": 1500, "msisdn": "21169727", "product_code": "NWSC", "details": CONTACT},
        400,
        "Please provide a value for the 'area_id' parameter",
    ),
    (
        {
            "amount": 1500,
            "msisdn": "21169727",
            "product_code": "NWSC",
            "details": {**CONTACT, "area_id": "Gulu"},
        },
        400,
        "Unknown area_id 'Gulu' for National Water",
    ),
    (
        {"amount": 10000, "msisdn": "2022750158", "product_code": "GOtv", "details": CONTACT},
        400,
        "Please provide a value for the 'purchase_mode' parameter",
    ),
    (
        {
            "amount": 10000,
            "msisdn": "2022750158",
            "product_code": "GOtv",
            "details": {**CONTACT, "purchase_mode": "Bouquet"},
        },
        400,
        "Bouquet mode needs a bouquet code from the GOtv price list",
    ),
    (
        {"amount": 100, "msisdn": "0777044237", "product_code": "MTN"},
        422,
        "The minimum amount for MTN Airtime is 500 UGX",
    ),
    (
        {"msisdn": "0777044237", "product_code": "MTN"},
        400,
        "Please provide a value for the 'amount' parameter",
    ),
]


@pytest.mark.parametrize(("request_body", "status", "message"), VALIDATION_FAILURES)
async def test_validation_failures(
    api: httpx.AsyncClient, request_body: dict[str, Any], status: int, message: str
) -> None:
    answer = await api.post("/products/validate", json=request_body)
    assert answer.status_code == status
    assert answer.json() == {"code": status, "status": "FAILED", "message": message}


# -- purchase: amounts -----------------------------------------------------------------------


async def test_dstv_without_secondary_is_bouquet_times_period(api: httpx.AsyncClient) -> None:
    # The document's example body says 74250; its prose says bouquet x period = 33000.
    refused = await api.post("/products/purchase", json=dstv(74250, feature="No"))
    bought = await api.post("/products/purchase", json=dstv(33000, feature="No"))
    assert refused.status_code == 422
    assert refused.json()["message"] == "The amount 74,250 does not match the price 33,000 UGX"
    assert bought.status_code == 200, bought.text


async def test_dstv_with_secondary_adds_it_before_the_period(api: httpx.AsyncClient) -> None:
    yes = {"feature": "Yes", "secondary_product_code": "DSTV.Secondary:HDPVRE36"}
    assert (await api.post("/products/purchase", json=dstv(74250, **yes))).status_code == 200
    three = dstv(3 * 74250, **yes, period="DSTV.Period:3")
    assert (await api.post("/products/purchase", json=three)).status_code == 200


@pytest.mark.parametrize(
    ("details", "message"),
    [
        ({}, "Please provide a value for the 'feature' parameter"),
        (
            {"feature": "Yes"},
            "Please provide a value for the 'secondary_product_code' parameter",
        ),
        (
            {"feature": "No", "period": ""},
            "Please provide a value for the 'period' parameter",
        ),
        (
            {"feature": "No", "period": "DSTV.Period:5"},
            "Unknown subscription period 'DSTV.Period:5'",
        ),
    ],
)
async def test_dstv_bouquet_needs_feature_secondary_and_period(
    api: httpx.AsyncClient, details: dict[str, str], message: str
) -> None:
    answer = await api.post("/products/purchase", json=dstv(33000, **details))
    assert answer.status_code == 400
    assert answer.json()["message"] == message


async def test_gotv_lite_is_priced_by_period2(api: httpx.AsyncClient) -> None:
    def lite(amount: int, period: str) -> dict[str, Any]:
        return purchase_body(
            amount=amount,
            msisdn="2022750158",
            product_code="GOtv:GOLITE",
            description="GOtv Lite Bouquet - 22,000 UGX",
            details={**CONTACT, "purchase_mode": "Bouquet", "period": period},
        )

    assert (
        await api.post("/products/purchase", json=lite(66000, "GOtv.Period2:3"))
    ).status_code == 200
    wrong = await api.post("/products/purchase", json=lite(22000, "GOtv.Period2:3"))
    assert wrong.status_code == 422
    # A period of GOtv's default list exists, but not for GOtv Lite: refused, not repriced.
    other_list = await api.post("/products/purchase", json=lite(22000, "GOtv.Period:1"))
    assert other_list.status_code == 400
    assert other_list.json()["message"] == "Period 'GOtv.Period:1' is not offered for GOtv:GOLITE"


async def test_price_list_item_costs_exactly_its_price(api: httpx.AsyncClient) -> None:
    def azam(amount: int) -> dict[str, Any]:
        return purchase_body(
            amount=amount, msisdn="212911665676", product_code="Azam:APURE", details=CONTACT
        )

    assert (await api.post("/products/purchase", json=azam(9999))).status_code == 422
    assert (await api.post("/products/purchase", json=azam(10000))).status_code == 200


async def test_free_amount_at_least_minimum_and_arrears(api: httpx.AsyncClient) -> None:
    def umeme(amount: int) -> dict[str, Any]:
        return purchase_body(
            amount=amount, msisdn="04230640783", product_code="UMEME", details=CONTACT
        )

    below_arrears = await api.post("/products/purchase", json=umeme(500))
    assert below_arrears.status_code == 422
    assert below_arrears.json()["message"] == (
        "The amount 500 is less than the balance due of 587 UGX"
    )
    assert (await api.post("/products/purchase", json=umeme(400))).status_code == 422
    assert (await api.post("/products/purchase", json=umeme(587))).status_code == 200
    # NWSC's balance is negative (credit): the product minimum is the only floor.
    nwsc = purchase_body(
        amount=500,
        msisdn="21169727",
        product_code="NWSC",
        details={**CONTACT, "area_id": "Kampala"},
    )
    assert (await api.post("/products/purchase", json=nwsc)).status_code == 200


# -- purchase: money -------------------------------------------------------------------------


async def test_purchase_takes_amount_plus_tariff_from_the_float(
    api: httpx.AsyncClient, box: Sandbox
) -> None:
    before = await ugx(api)
    mtn = await api.post("/products/purchase", json=purchase_body(amount=1000))
    after_mtn = await ugx(api)
    ura = await api.post(
        "/products/purchase",
        json=purchase_body(
            amount=150000, msisdn="2240001234567", product_code="URA", details=CONTACT
        ),
    )
    assert mtn.status_code == 200 and ura.status_code == 200
    assert after_mtn == before - 1000
    assert await ugx(api) == after_mtn - 150000 - 1000
    assert ura.json()["data"]["tariff_charge"] == 1000
    assert len(box.purchases) == 2


async def test_insufficient_float_is_422_and_charges_nothing(
    api: httpx.AsyncClient, box: Sandbox
) -> None:
    box.ugmart.set_balance(ACCOUNT, "UGX", 400)
    answer = await api.post("/products/purchase", json=purchase_body(amount=500))
    assert answer.status_code == 422
    assert answer.json()["message"].startswith("Insufficient balance")
    assert box.purchases == [] and await ugx(api) == 400


async def test_a_repeated_transaction_id_is_charged_once(
    api: httpx.AsyncClient, box: Sandbox
) -> None:
    before = await ugx(api)
    first = await api.post("/products/purchase", json=purchase_body("K-1", amount=1000))
    again = await api.post("/products/purchase", json=purchase_body("K-1", amount=1000))
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert first.json()["data"]["transaction_id"] == "K-1"
    assert box.ugmart.charges_for("K-1") == 1
    assert [p.transaction_id for p in box.purchases] == ["K-1"]
    assert await ugx(api) == before - 1000


async def test_auto_ids_are_distinct_and_findable(api: httpx.AsyncClient) -> None:
    ids = [
        (await api.post("/products/purchase", json=purchase_body())).json()["data"][
            "transaction_id"
        ]
        for _ in range(2)
    ]
    assert ids[0] != ids[1]
    for txid in ids:
        row = (await api.get("/transactions", params={"id": txid})).json()["data"]
        assert (row["type"], row["status"], row["amount"]) == ("PURCHASE", "COMPLETE", 500)


async def test_an_id_used_by_another_request_kind_is_refused(api: httpx.AsyncClient) -> None:
    await api.post(
        "/send-sms",
        json={"account_code": ACCOUNT, "transaction_id": "X-9", "to": "256700392138", "text": "hi"},
    )
    answer = await api.post("/products/purchase", json=purchase_body("X-9"))
    assert answer.status_code == 400
    assert answer.json()["message"] == "Duplicate transaction_id 'X-9'"


async def test_umeme_purchase_gives_a_token_and_memo(api: httpx.AsyncClient) -> None:
    answer = await api.post(
        "/products/purchase",
        json=purchase_body(
            amount=1500,
            msisdn="04230640783",
            product_code="UMEME",
            description="UMEME Yaka",
            details=CONTACT,
        ),
    )
    data = answer.json()["data"]
    details = data["details"]
    assert re.fullmatch(r"\d{4}( \d{4}){4}", details["token"])
    assert details["units"] == 1.9 and details["token_value"] == "1292.15"
    assert details["debt_recovery"] == 0 and details["receipt_number"]
    assert details["customer_name"] == "SAM BUSULWA"
    assert data["memo"] == f"SAM BUSULWA : {details['token']} (1.9 Units, DebtRecovery: 0)"
    assert data["product_type"] == "UTILITIES" and data["tariff_charge"] == 0


async def test_nwsc_purchase_gives_a_receipt(api: httpx.AsyncClient) -> None:
    answer = await api.post(
        "/products/purchase",
        json=purchase_body(
            amount=1500,
            msisdn="21169727",
            product_code="NWSC",
            description="National Water",
            details={**CONTACT, "area_id": "Kampala"},
        ),
    )
    data = answer.json()["data"]
    receipt = data["details"]["receipt_number"]
    assert data["memo"] == f"KIWANUKA JOSEPH (Area: Kampala, Receipt: {receipt})"
    assert data["details"]["description"] == "KIWANUKA JOSEPH 21169727 Kampala"
    assert data["details"]["area_id"] == "Kampala"


async def test_tv_topup_memo_names_the_customer(api: httpx.AsyncClient) -> None:
    answer = await api.post(
        "/products/purchase",
        json=purchase_body(
            amount=10000,
            msisdn="1025628563",
            product_code="DSTV.Primary",
            description="DSTV Multichoice",
            details={**CONTACT, "purchase_mode": "TopUp"},
        ),
    )
    assert answer.json()["data"]["memo"] == (
        "Account Number 1025628563 topped up successfully : LAWRENCE B"
    )


async def test_unknown_collection_account_is_404(api: httpx.AsyncClient, box: Sandbox) -> None:
    answer = await api.post("/products/purchase", json=purchase_body(account_code="NOPE"))
    assert answer.status_code == 404
    assert box.purchases == []


# -- other catalogs --------------------------------------------------------------------------


async def test_another_catalog_with_unknown_types_is_sold_by_its_own_fields(clock: Clock) -> None:
    catalog = Catalog(
        products=[
            {
                "name": "Kampala Lotto",
                "type": "OTHERS",
                "code": "LOTTO",
                "price": 2000,
                "has_price_list": False,
                "available": True,
                "billable": True,
            },
            {
                "name": "Moon TV",
                "type": "TV",
                "code": "MOON",
                "price": 1000,
                "has_price_list": True,
                "available": True,
                "billable": True,
            },
        ],
        price_lists={"MOON": [{"code": "MOON:FULL", "price": 7000, "name": "Full - 7,000 UGX"}]},
        tariffs={"LOTTO": 250},
    )
    catalog.add_account("LOTTO", "T-77", customer_name="OKELLO P")
    catalog.add_account("MOON", "M-1")
    box = Sandbox(ugmart=UgmartSandbox(catalog=catalog, clock=clock))
    api = await _client(box)
    try:
        codes = [p["code"] for p in (await api.get("/products")).json()["data"]]
        validation = await api.post(
            "/products/validate",
            json={"amount": 2000, "msisdn": "T-77", "product_code": "LOTTO", "details": CONTACT},
        )
        lotto = await api.post(
            "/products/purchase",
            json=purchase_body(amount=2000, msisdn="T-77", product_code="LOTTO", details=CONTACT),
        )
        moon = await api.post(
            "/products/purchase",
            json=purchase_body(
                amount=7000, msisdn="M-1", product_code="MOON:FULL", details=CONTACT
            ),
        )
        mtn = await api.post("/products/purchase", json=purchase_body())
    finally:
        await api.aclose()
    assert codes == ["LOTTO", "MOON"]
    assert validation.json()["data"] == {
        "valid": True,
        "msisdn": "T-77",
        "customer_name": "OKELLO P",
        "tariff_charge": 250,
    }
    assert lotto.status_code == 200 and moon.status_code == 200
    assert mtn.status_code == 404
    assert box.ugmart.wallet(ACCOUNT) == 5_000_000 - 2000 - 250 - 7000


# -- transactions ----------------------------------------------------------------------------


async def test_document_transactions_are_seeded(api: httpx.AsyncClient) -> None:
    page = (await api.get("/transactions")).json()
    assert set(page) == {"currentPage", "itemsPerPage", "totalItems", "data"}
    assert (page["currentPage"], page["itemsPerPage"], page["totalItems"]) == (1, 20, 2)
    assert [t["transaction_id"] for t in page["data"]] == ["1513319878", "1512446532"]
    one = (await api.get("/transactions", params={"id": "1513319878"})).json()
    assert one["data"]["status"] == "CANCELLED"
    missing = await api.get("/transactions", params={"id": "151331987"})
    assert missing.status_code == 404
    assert missing.json()["message"] == "Transaction '151331987' not found"


async def test_transaction_filters_sort_and_pages(clock: Clock) -> None:
    box = Sandbox(ugmart=UgmartSandbox(clock=clock, token_ttl=30 * 86400))
    api = await _client(box)
    for amount in (700, 900, 1200):
        clock.now += 86400
        await api.post("/products/purchase", json=purchase_body(amount=amount))

    async def ids(**params: Any) -> list[Any]:
        answer = await api.get("/transactions", params=params)
        assert answer.status_code == 200, answer.text
        return [t["amount"] for t in answer.json()["data"]]

    assert await ids() == [1200, 900, 700, 1000, 1000]
    assert await ids(type="PURCHASE", sort="amount", direction="ASC") == [700, 900, 1200]
    assert await ids(status="CANCELLED") == [1000]
    assert await ids(paymentProvider="ugmart_products", minAmount=800) == [1200, 900]
    assert await ids(maxAmount=900, type="PURCHASE") == [900, 700]
    assert await ids(amount=900) == [900]
    assert await ids(msisdn="0777044237", currency="UGX", collectionAccount=ACCOUNT) == [
        1200,
        900,
        700,
    ]
    assert await ids(transactionDate="2017-12-15") == [1000]
    assert await ids(minDate="2017-12-01", maxDate="2017-12-10") == [1000]
    # Equal charges keep the order of arrival.
    assert await ids(minDate="2020-01-01", sort="charge", direction="asc") == [700, 900, 1200]
    second = (await api.get("/transactions", params={"limit": 2, "page": 2})).json()
    assert (second["currentPage"], second["itemsPerPage"], second["totalItems"]) == (2, 2, 5)
    assert [t["amount"] for t in second["data"]] == [700, 1000]
    await api.aclose()


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"collectionAccount": "15B0D8D8B"}, 404),
        ({"sort": "msisdn"}, 400),
        ({"direction": "UP"}, 400),
        ({"minDate": "30-11-2017"}, 400),
        ({"page": 0}, 400),
    ],
)
async def test_bad_transaction_queries(
    api: httpx.AsyncClient, params: dict[str, Any], status: int
) -> None:
    answer = await api.get("/transactions", params=params)
    assert answer.status_code == status
    assert answer.json()["status"] == "FAILED"


# -- mobile money, card, SMS -----------------------------------------------------------------


def collection(msisdn: str, txid: str = "auto", **fields: Any) -> dict[str, Any]:
    return {
        "account_code": ACCOUNT,
        "transaction_id": txid,
        "provider_id": "airtel_money",
        "msisdn": msisdn,
        "currency": "UGX",
        "amount": 10000,
        "application": "Acme",
        "description": "Payment Request.",
        **fields,
    }


async def test_collection_settles_after_the_delay_and_credits_the_float(
    api: httpx.AsyncClient, clock: Clock
) -> None:
    before = await ugx(api)
    answer = (await api.post("/collection", json=collection("256701345672"))).json()
    txid = answer["data"]["transaction_id"]
    assert answer["message"] == "Collection request accepted!"
    assert answer["data"]["status"] == "PENDING" and answer["data"]["transaction_charge"] == 250
    clock.now += 4
    assert (await api.get("/transactions", params={"id": txid})).json()["data"][
        "status"
    ] == "PENDING"
    assert await ugx(api) == before
    clock.now += 1
    row = (await api.get("/transactions", params={"id": txid})).json()["data"]
    assert row["status"] == "COMPLETE"
    assert await ugx(api) == before + 10000 - 250


@pytest.mark.parametrize(
    ("msisdn", "status"), [("256700000001", "FAILED"), ("256700000002", "CANCELLED")]
)
async def test_collection_outcome_by_last_digits(
    api: httpx.AsyncClient, clock: Clock, msisdn: str, status: str
) -> None:
    before = await ugx(api)
    txid = (await api.post("/collection", json=collection(msisdn))).json()["data"]["transaction_id"]
    clock.now += 5
    assert (await api.get("/transactions", params={"id": txid})).json()["data"]["status"] == status
    assert await ugx(api) == before


async def test_collection_refusals(api: httpx.AsyncClient) -> None:
    bad = await api.post("/collection", json=collection("0123456789"))
    usd = await api.post("/collection", json=collection("256701345672", currency="USD"))
    assert bad.json() == {
        "code": 400,
        "status": "FAILED",
        "message": "The phone number '0123456789' is not valid for Airtel Money.",
    }
    assert usd.status_code == 422


async def test_a_repeated_collection_id_is_requested_once(api: httpx.AsyncClient) -> None:
    first = await api.post("/collection", json=collection("256701345672", "C-1"))
    again = await api.post("/collection", json=collection("256701345672", "C-1"))
    assert again.json() == first.json()
    page = (
        await api.get("/transactions", params={"type": "COLLECTION", "status": "PENDING"})
    ).json()
    assert page["totalItems"] == 1


def payout(amount: int, **fields: Any) -> dict[str, Any]:
    return {
        "account_code": ACCOUNT,
        "transaction_id": "auto",
        "msisdn": "256701345672",
        "currency": "UGX",
        "amount": amount,
        "application": "Acme",
        "description": "School Fees",
        "recipient_name": "Jane Doe",
        **fields,
    }


async def test_payout_debits_amount_and_charge(api: httpx.AsyncClient, box: Sandbox) -> None:
    before = await ugx(api)
    answer = (await api.post("/payout", json=payout(500))).json()
    assert answer["data"]["description"] == "Jane Doe (School Fees)"
    assert answer["data"]["transaction_charge"] == 1000
    assert await ugx(api) == before - 1500
    box.ugmart.set_balance(ACCOUNT, "UGX", 1499)
    short = await api.post("/payout", json=payout(500))
    usd = await api.post("/payout", json=payout(500, currency="USD"))
    assert short.status_code == 422 and await ugx(api) == 1499
    assert usd.json()["message"] == "Airtel Money does not support the 'USD' currency."


async def test_validate_account(api: httpx.AsyncClient) -> None:
    async def check(msisdn: str) -> httpx.Response:
        return await api.post(
            "/validate-account", json={"provider_id": "airtel_money", "msisdn": msisdn}
        )

    seeded = (await check("256703560861")).json()
    other = (await check("256751234567")).json()
    wrong = await check("256777044237")
    assert seeded["message"] == "CUSTOMER VALIDATED OK"
    assert seeded["data"] == {
        "valid": True,
        "customer_name": "SEKAMANYA GILBERT",
        "msisdn": "256703560861",
    }
    assert (
        other["data"]["customer_name"]
        == (await check("256751234567")).json()["data"]["customer_name"]
    )
    assert wrong.status_code == 400
    assert wrong.json()["message"] == "'256777044237' is not valid for Airtel Money"


def card(**fields: Any) -> dict[str, Any]:
    return {
        "account_code": ACCOUNT,
        "transaction_id": "auto",
        "provider_id": "visa_mastercard",
        "msisdn": "0701345672",
        "currency": "UGX",
        "amount": 5000,
        "application": "Acme",
        "description": "Payment Request.",
        "callback_url": "http://shop.example/callback",
        **fields,
    }


async def test_card_payment_page_settles_and_calls_back(
    api: httpx.AsyncClient, box: Sandbox
) -> None:
    received: list[httpx.URL] = []

    def shop(request: httpx.Request) -> httpx.Response:
        received.append(request.url)
        return httpx.Response(200)

    box.ugmart.callback_transport = httpx.MockTransport(shop)
    before = await ugx(api)
    session = (await api.post("/request-payment", json=card())).json()
    txid = session["data"]["transaction_id"]
    assert session["status"] == "PENDING"
    assert session["data"]["payment_url"] == f"{UGMART_BASE}/visa-payment/{txid}"
    page = await api.get(session["data"]["payment_url"], headers={"Authorization": ""})
    assert "?result=SUCCESS" in page.text and "?result=CANCELLED" in page.text
    done = await api.get(session["data"]["payment_url"], params={"result": "SUCCESS"})
    assert done.status_code == 200
    assert len(received) == 1
    assert received[0].params["status"] == "SUCCESS"
    assert received[0].params["data[transaction_id]"] == txid
    assert (await api.get("/transactions", params={"id": txid})).json()["data"][
        "status"
    ] == "COMPLETE"
    assert await ugx(api) == before + 5000


async def test_card_test_hook_and_refusals(api: httpx.AsyncClient, box: Sandbox) -> None:
    received: list[httpx.URL] = []
    box.ugmart.callback_transport = httpx.MockTransport(
        lambda request: received.append(request.url) or httpx.Response(204)
    )
    txid = (await api.post("/request-payment", json=card())).json()["data"]["transaction_id"]
    await box.ugmart.finish_card(txid, "CANCELLED")
    missing = await api.post("/request-payment", json=card(callback_url=""))
    assert received[0].params["status"] == "CANCELLED"
    row = (await api.get("/transactions", params={"id": txid})).json()["data"]
    assert row["status"] == "CANCELLED" and "callback_url" not in row
    assert missing.json()["message"] == "Please provide a value for the 'callback_url' parameter"


async def test_unreachable_callback_is_best_effort(api: httpx.AsyncClient, box: Sandbox) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no route", request=request)

    box.ugmart.callback_transport = httpx.MockTransport(down)
    txid = (await api.post("/request-payment", json=card())).json()["data"]["transaction_id"]
    done = await api.get(f"/visa-payment/{txid}", params={"result": "FAILED"})
    assert done.status_code == 200
    assert box.ugmart.callbacks and "status=FAILED" in box.ugmart.callbacks[0]


def sms(txid: str = "auto", text: str = "Test SMS.") -> dict[str, Any]:
    return {"account_code": ACCOUNT, "transaction_id": txid, "to": "256700392138", "text": text}


async def test_send_sms_charges_per_message(api: httpx.AsyncClient, box: Sandbox) -> None:
    before = await ugx(api)
    answer = (await api.post("/send-sms", json=sms())).json()
    assert answer["status"] == "SUCCESS" and answer["sms_charge_rate"] == 30
    assert answer["transaction_id"].startswith("SMS")
    assert answer["messages"][0]["status"]["name"] == "SUCCESS"
    long = await api.post("/send-sms", json=sms("S-2", "x" * 161))
    again = await api.post("/send-sms", json=sms("S-2", "x" * 161))
    assert again.json() == long.json()
    assert await ugx(api) == before - 30 - 60
    box.ugmart.set_balance(ACCOUNT, "UGX", 100)
    short = await api.post("/send-sms", json=sms())
    assert short.status_code == 422
    assert short.json() == {
        "code": 422,
        "status": "FAILED",
        "message": "SMS Credit Purchase failed. Insufficient Balance on your UGX wallet. "
        "At least 3,000 is required.",
        "sms_charge_rate": 30,
    }


async def test_every_money_movement_is_listed(api: httpx.AsyncClient) -> None:
    await api.post("/products/purchase", json=purchase_body())
    await api.post("/collection", json=collection("256701345672"))
    await api.post("/payout", json=payout(500))
    await api.post("/send-sms", json=sms())
    await api.post("/request-payment", json=card())
    page = (await api.get("/transactions", params={"minDate": "2020-01-01"})).json()
    assert sorted(t["type"] for t in page["data"]) == [
        "COLLECTION",
        "COLLECTION",
        "PAYOUT",
        "PURCHASE",
        "SMS",
    ]


# -- faults ----------------------------------------------------------------------------------

PURCHASE = "/api/products/purchase"


async def test_drop_commits_the_purchase_but_the_client_sees_a_transport_error(
    api: httpx.AsyncClient, box: Sandbox
) -> None:
    box.faults.push("drop", path=PURCHASE)
    with pytest.raises(httpx.TransportError):
        await api.post("/products/purchase", json=purchase_body("D-1"))
    assert box.ugmart.charges_for("D-1") == 1
    retried = await api.post("/products/purchase", json=purchase_body("D-1"))
    assert retried.status_code == 200 and box.ugmart.charges_for("D-1") == 1
    assert box.faults.injected == [("drop", PURCHASE)]


async def test_timeout_commits_and_raises_a_timeout(api: httpx.AsyncClient, box: Sandbox) -> None:
    box.faults.push("timeout", path=PURCHASE)
    with pytest.raises(httpx.TimeoutException):
        await api.post("/products/purchase", json=purchase_body("T-1"))
    assert box.ugmart.charges_for("T-1") == 1


async def test_bad_body_commits_and_answers_non_json(api: httpx.AsyncClient, box: Sandbox) -> None:
    box.faults.push("bad_body", path=PURCHASE)
    answer = await api.post("/products/purchase", json=purchase_body("B-1"))
    assert answer.status_code == 200
    with pytest.raises(ValueError):
        answer.json()
    assert box.ugmart.charges_for("B-1") == 1


@pytest.mark.parametrize(
    ("kind", "status", "content_type"),
    [("500", 500, "json"), ("502", 502, "html"), ("503", 503, "json"), ("401", 401, "json")],
)
async def test_error_statuses_answer_before_anything_is_done(
    api: httpx.AsyncClient, box: Sandbox, kind: str, status: int, content_type: str
) -> None:
    box.faults.push(kind, path=PURCHASE)
    answer = await api.post("/products/purchase", json=purchase_body("E-1"))
    assert answer.status_code == status
    assert content_type in answer.headers["content-type"]
    if kind == "401":
        assert answer.json() == {"code": 401, "message": "Expired JWT. Please renew it"}
    assert box.ugmart.charges_for("E-1") == 0
    assert (await api.post("/products/purchase", json=purchase_body("E-1"))).status_code == 200


async def test_refuse_commits_nothing(api: httpx.AsyncClient, box: Sandbox) -> None:
    box.faults.push("refuse", path=PURCHASE)
    with pytest.raises(httpx.ConnectError):
        await api.post("/products/purchase", json=purchase_body("R-1"))
    assert box.ugmart.charges_for("R-1") == 0


async def test_hangup_commits_nothing_but_looks_like_a_lost_answer(
    api: httpx.AsyncClient, box: Sandbox
) -> None:
    box.faults.push("hangup", path=PURCHASE)
    with pytest.raises(httpx.RemoteProtocolError):
        await api.post("/products/purchase", json=purchase_body("H-1"))
    assert box.ugmart.charges_for("H-1") == 0


async def test_latency_still_answers(api: httpx.AsyncClient, box: Sandbox) -> None:
    box.faults.push("latency", path="/api/products", seconds=0.01)
    assert (await api.get("/products")).status_code == 200
    assert box.faults.injected == [("latency", "/api/products")]


async def test_queued_faults_wait_for_their_path_and_fire_once(
    api: httpx.AsyncClient, box: Sandbox
) -> None:
    box.faults.push("503", path=PURCHASE)
    assert (await api.get("/products")).status_code == 200
    assert (await api.post("/products/purchase", json=purchase_body())).status_code == 503
    assert (await api.post("/products/purchase", json=purchase_body())).status_code == 200
    assert box.faults.pending == []


async def test_faults_apply_to_the_ums_mount(box: Sandbox) -> None:
    box.faults.push("502", path="/ums/")
    async with httpx.AsyncClient(transport=box.transport(), base_url=UMS_BASE) as ums:
        answer = await ums.post("/smsbalance", json={})
        healthy = await ums.post("/smsbalance", json={})
    assert answer.status_code == 502 and "html" in answer.headers["content-type"]
    assert healthy.status_code != 404


def test_fault_spec_is_probabilities_per_request() -> None:
    faults = Faults.parse("drop=0.1,500=0.05,latency=0.2", seed=1)
    assert faults.rates == {"drop": 0.1, "500": 0.05, "latency": 0.2}
    always = Faults.parse("503=1", seed=1)
    assert [always.draw("/api/balance").kind for _ in range(3)] == ["503"] * 3  # type: ignore[union-attr]
    never = Faults.parse("", seed=1)
    assert never.draw("/api/balance") is None
    with pytest.raises(ValueError):
        Faults.parse("explode=0.1")
    with pytest.raises(ValueError):
        Faults.parse("drop=2")
    with pytest.raises(ValueError):
        Faults().push("explode")


def test_random_faults_hit_about_their_rate() -> None:
    faults = Faults.parse("drop=0.25", seed=7)
    hits = sum(faults.draw("/api/products/purchase") is not None for _ in range(2000))
    assert 400 < hits < 600
