"""The fake UMS over raw HTTP: credentials, SMS credit and delivery, STK outcomes, vouchers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from kiosk.sandbox.ums import UmsSandbox
from kiosk.sandbox.ums_routes import ums_app

AUTH = {"api_key": "VE5MTlkzRk06MTlwNjlkZWM=", "email": "example@gmail.com"}
ACCOUNT = "UMPAY123456789"
PATHS = ["/sms", "/smsbalance", "/smsdelivery", "/intiatestk", "/transactionstatus"]
PATHS += ["/isp/hostspotplans", "/isp/registervoucher"]
START = 1_716_400_000.0  # 2024-05-22 20:46:40 EAT


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def events() -> list[dict[str, Any]]:
    return []


@pytest.fixture
def state(clock: Clock, events: list[dict[str, Any]]) -> UmsSandbox:
    return UmsSandbox(clock=clock, stk_delay=10, delivery_delay=5, on_event=events.append)


@pytest.fixture
async def http(state: UmsSandbox) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=ums_app(state))
    async with httpx.AsyncClient(transport=transport, base_url="http://ums") as client:
        yield client


async def post(http: httpx.AsyncClient, path: str, **fields: Any) -> httpx.Response:
    return await http.post(path, json={**AUTH, **fields})


async def push(http: httpx.AsyncClient, msisdn: str, reference: str, amount: Any = "10") -> str:
    response = await post(
        http, "/intiatestk", account_id=ACCOUNT, amount=amount, msisdn=msisdn, reference=reference
    )
    assert response.status_code == 200, response.text
    return response.json()["tranasaction_request_id"]


async def status(http: httpx.AsyncClient, request_id: str) -> dict[str, Any]:
    response = await post(http, "/transactionstatus", tranasaction_request_id=request_id)
    assert response.status_code == 200, response.text
    return response.json()


# -- credentials and malformed requests ------------------------------------------------------


@pytest.mark.parametrize("path", PATHS)
async def test_wrong_api_key_is_401_with_a_message(http: httpx.AsyncClient, path: str) -> None:
    response = await http.post(path, json={"api_key": "nope", "email": AUTH["email"]})
    assert response.status_code == 401
    body = response.json()
    assert "Invalid api key" in (body.get("massage") or body.get("message"))


async def test_wrong_email_is_401(http: httpx.AsyncClient) -> None:
    response = await http.post("/smsbalance", json={**AUTH, "email": "other@gmail.com"})
    assert response.status_code == 401


async def test_body_that_is_not_json_is_400(http: httpx.AsyncClient) -> None:
    response = await http.post("/smsbalance", content=b"<xml/>")
    assert response.status_code == 400
    assert response.json() == {
        "success": "400",
        "massage": "Malformed request: the body is not JSON",
    }


# -- SMS --------------------------------------------------------------------------------------


async def test_sms_costs_units_and_gets_a_request_id(
    http: httpx.AsyncClient, state: UmsSandbox
) -> None:
    short = await post(http, "/sms", Sender_Id="UMS_SMS", message="Hello", phone="0798765432")
    long = await post(http, "/sms", message="x" * 161, phone="254798765432")
    assert short.status_code == long.status_code == 200
    assert short.json()["massage"] == "Message sent sucessfully."
    ids = {short.json()["request_id"], long.json()["request_id"]}
    assert len(ids) == 2 and all(i.isdigit() for i in ids)
    balance = await post(http, "/smsbalance")
    assert balance.json() == {"success": "200", "creditBalance": 97}
    assert [r.units for r in state.sms.values()] == [1, 2]


async def test_sms_over_the_balance_is_refused_and_charges_nothing(
    http: httpx.AsyncClient, state: UmsSandbox
) -> None:
    state.sms_credit = 2
    response = await post(http, "/sms", message="y" * 400, phone="0798765432")
    assert response.status_code == 422
    assert response.json()["massage"] == (
        "Insufficient SMS credit: the message needs 3 units, the balance is 2"
    )
    assert state.sms_credit == 2 and not state.sms


@pytest.mark.parametrize("phone", ["256772123456", "079876543", "25479876543", "", "hello"])
async def test_sms_to_a_phone_that_is_not_kenyan_is_refused(
    http: httpx.AsyncClient, state: UmsSandbox, phone: str
) -> None:
    response = await post(http, "/sms", message="hi", phone=phone)
    assert response.status_code == 400
    assert "Invalid phone number" in response.json()["massage"]
    assert state.sms_credit == 100


async def test_sms_empty_message_and_unknown_sender_are_refused(http: httpx.AsyncClient) -> None:
    empty = await post(http, "/sms", message="  ", phone="0798765432")
    sender = await post(http, "/sms", Sender_Id="ACME", message="hi", phone="0798765432")
    assert (empty.status_code, sender.status_code) == (400, 400)
    assert empty.json()["massage"] == "The message is empty"
    assert "ACME" in sender.json()["massage"]


async def test_delivery_goes_pending_then_delivered(
    http: httpx.AsyncClient, clock: Clock, events: list[dict[str, Any]]
) -> None:
    sent = await post(http, "/sms", message="Welcome", phone="0112345678")
    request_id = sent.json()["request_id"]
    first = (await post(http, "/smsdelivery", request_id=request_id)).json()
    assert first["status"] == "Pending" and not events
    assert first["recepient"] == "0112345678" and first["sms_unit"] == 1
    assert first["submitted_time"] == "2024-05-22 20:46:40"
    clock.now += 5
    second = (await post(http, "/smsdelivery", request_id=request_id)).json()
    assert second["status"] == "Delivered"
    await post(http, "/smsdelivery", request_id=request_id)
    assert events == [{"type": "sms_delivery", "body": second}]


async def test_delivery_of_an_unknown_request_is_404(http: httpx.AsyncClient) -> None:
    response = await post(http, "/smsdelivery", request_id="1")
    assert response.status_code == 404
    assert response.json() == {"ResultCode": "404", "message": "No SMS with request_id 1"}


# -- STK push ---------------------------------------------------------------------------------


async def test_push_completes_after_the_delay(
    http: httpx.AsyncClient, clock: Clock, events: list[dict[str, Any]]
) -> None:
    request_id = await push(http, "0798765432", "675432")
    assert request_id.startswith("UMSPID22052024204640")
    pending = await status(http, request_id)
    assert pending["TransactionStatus"] == "Pending" and pending["TransactionReceipt"] == ""
    assert pending["Msisdn"] == "254798765432" and pending["TransactionAmount"] == "10"
    clock.now += 10
    done = await status(http, request_id)
    assert done["TransactionStatus"] == "Completed" and done["TransactionCode"] == "0"
    assert len(done["TransactionReceipt"]) == 10 and done["TransactionReference"] == "675432"
    assert done["TransactionDate"] == "20240522204650"
    [event] = events
    assert event["type"] == "stk"
    assert event["body"]["ResponseCode"] == 0
    assert event["body"]["TransactionReceipt"] == done["TransactionReceipt"]


@pytest.mark.parametrize(
    ("msisdn", "code", "final"),
    [
        ("0798761032", "1032", "Cancelled"),
        ("0798761031", "1031", "Cancelled"),
        ("0798761037", "1037", "Failed"),
        ("0798760001", "1", "Failed"),
        ("0798761025", "1025", "Failed"),
        ("0798762001", "2001", "Failed"),
        ("0798761019", "1019", "Failed"),
        ("0798761001", "1001", "Failed"),
    ],
)
async def test_push_outcome_by_the_last_four_digits(
    http: httpx.AsyncClient,
    clock: Clock,
    events: list[dict[str, Any]],
    msisdn: str,
    code: str,
    final: str,
) -> None:
    request_id = await push(http, msisdn, f"ref-{code}")
    assert (await status(http, request_id))["TransactionStatus"] == "Pending"
    clock.now += 10
    answer = await status(http, request_id)
    assert (answer["TransactionStatus"], answer["TransactionCode"]) == (final, code)
    assert answer["TransactionReceipt"] == ""
    assert events[0]["body"]["ResponseCode"] == int(code)
    assert "TransactionReceipt" not in events[0]["body"]


async def test_push_to_9999_never_settles(
    http: httpx.AsyncClient, clock: Clock, events: list[dict[str, Any]]
) -> None:
    request_id = await push(http, "254798769999", "slow")
    clock.now += 86_400
    assert (await status(http, request_id))["TransactionStatus"] == "Pending"
    assert not events


async def test_reused_reference_returns_the_original_push(
    http: httpx.AsyncClient, state: UmsSandbox
) -> None:
    first = await push(http, "0798765432", "same")
    again = await push(http, "0798765432", "same", amount="99")
    assert first == again and len(state.pushes) == 1
    assert state.pushes[first].amount == 10


@pytest.mark.parametrize("msisdn", ["0798765432", "0112345678", "254798765432", "254112345678"])
async def test_push_accepts_local_and_international_numbers(
    http: httpx.AsyncClient, state: UmsSandbox, msisdn: str
) -> None:
    request_id = await push(http, msisdn, msisdn)
    assert state.pushes[request_id].msisdn == "254" + msisdn[-9:]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"account_id": "UMPAY0"}, "Invalid account id UMPAY0"),
        ({"msisdn": "0772123"}, "Invalid msisdn 0772123"),
        ({"amount": "0"}, "The amount must be a whole number of KES from 1 to 250000"),
        ({"amount": "10.5"}, "The amount must be a whole number of KES from 1 to 250000"),
        ({"amount": "ten"}, "Invalid amount ten"),
    ],
)
async def test_push_refusals(
    http: httpx.AsyncClient, state: UmsSandbox, fields: dict[str, str], message: str
) -> None:
    body = {"account_id": ACCOUNT, "amount": "10", "msisdn": "0798765432", "reference": "r"}
    response = await post(http, "/intiatestk", **{**body, **fields})
    assert response.status_code == 400
    assert response.json() == {"success": "400", "massage": message}
    assert not state.pushes


async def test_status_accepts_the_documents_key_with_a_trailing_space(
    http: httpx.AsyncClient,
) -> None:
    request_id = await push(http, "0798765432", "r")
    response = await http.post(
        "/transactionstatus", json={**AUTH, "tranasaction_request_id ": request_id}
    )
    assert response.json()["TransactionID"] == request_id


async def test_status_of_an_unknown_push_is_404(http: httpx.AsyncClient) -> None:
    response = await post(http, "/transactionstatus", tranasaction_request_id="UMSPID0")
    assert response.status_code == 404
    assert response.json()["message"] == "Transaction UMSPID0 not found"


async def test_tick_settles_without_a_request(
    state: UmsSandbox, clock: Clock, events: list[dict[str, Any]]
) -> None:
    body = {"account_id": ACCOUNT, "amount": 5, "msisdn": "0798765432", "reference": "t"}
    request_id = state.initiate_stk(body)["tranasaction_request_id"]
    clock.now += 10
    state.tick()
    state.tick()
    assert [e["body"]["TransactionID"] for e in events] == [request_id]


async def test_a_failing_listener_does_not_break_the_answer(
    http: httpx.AsyncClient, state: UmsSandbox, clock: Clock
) -> None:
    def broken(event: dict[str, Any]) -> None:
        raise RuntimeError("listener down")

    state.on_event = broken
    request_id = await push(http, "0798765432", "r")
    clock.now += 10
    assert (await status(http, request_id))["TransactionStatus"] == "Completed"


# -- hotspot ----------------------------------------------------------------------------------


async def test_hotspot_plans_are_the_documents(http: httpx.AsyncClient) -> None:
    body = (await post(http, "/isp/hostspotplans", station_id="UMS26595527")).json()
    assert body["ResultCode"] == "200"
    assert body["message"] == "Request sent successfully. UMS26595527"
    assert body["ComapanyName"] == "UMESKIA SOFTWARES"
    packages = body["stationData"]["stationPackages"]
    assert [p["planCode"] for p in packages] == [
        "U77434129",
        "U69568596",
        "U46169734",
        "U54849986",
        "U92191578",
        "U42514542",
    ]
    assert packages[0]["price"] == "10" and packages[0]["stringExpiration"] == " Mbps"


async def test_hotspot_plans_of_an_unknown_station_is_404(http: httpx.AsyncClient) -> None:
    response = await post(http, "/isp/hostspotplans", station_id="UMS0")
    assert response.status_code == 404
    assert response.json() == {"ResultCode": "404", "message": "Station UMS0 not found"}


async def test_voucher_registers_once_per_station(
    http: httpx.AsyncClient, state: UmsSandbox
) -> None:
    first = await post(http, "/isp/registervoucher", plan_code="U77434129", voucher_code="GHOT")
    assert first.status_code == 200
    assert first.json() == {
        "ResultCode": "200",
        "message": "Voucher registered successfully",
        "registeredVoucher": "GHOT",
        "stationId": "UMS26595527",
        "stationName": "TANDAO HOTSPOT - KANGU",
        "stationLocation": "Kutus, Kenya",
        "planCode": "U77434129",
        "planName": "1 HOUR ",
        "planPrice": 10,
    }
    again = await post(http, "/isp/registervoucher", plan_code="U42514542", voucher_code="ghot")
    assert again.status_code == 409
    assert again.json()["message"] == "Voucher ghot is already registered"
    assert len(state.vouchers) == 1


@pytest.mark.parametrize(
    ("plan", "code", "status", "message"),
    [
        ("U0", "GHOT", 404, "Plan U0 not found"),
        ("U77434129", "", 400, "The voucher code must be 3 to 20 letters or digits"),
        ("U77434129", "GH OT", 400, "The voucher code must be 3 to 20 letters or digits"),
    ],
)
async def test_voucher_refusals(
    http: httpx.AsyncClient, plan: str, code: str, status: int, message: str
) -> None:
    response = await post(http, "/isp/registervoucher", plan_code=plan, voucher_code=code)
    assert response.status_code == status
    assert response.json() == {"ResultCode": str(status), "message": message}


async def test_state_is_not_shared_between_sandboxes() -> None:
    one, two = UmsSandbox(), UmsSandbox()
    one.stations["UMS26595527"]["stationPackages"].clear()
    assert len(two.stations["UMS26595527"]["stationPackages"]) == 6
