"""UmsClient against the in-process sandbox (wire bodies captured) and against faulty servers."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
import stamina
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.routing import Mount

from kiosk.api.errors import (
    AuthError,
    BadRequest,
    BadResponse,
    Forbidden,
    NotFound,
    Unavailable,
    UnknownOutcome,
    Unprocessable,
)
from kiosk.api.ums import UmsClient, kenyan_mobile
from kiosk.sandbox.ums import UmsSandbox
from kiosk.sandbox.ums_routes import ums_app

KEY = "VE5MTlkzRk06MTlwNjlkZWM="
EMAIL = "example@gmail.com"
ACCOUNT = "UMPAY123456789"
BASE = "http://sandbox/ums/api/v1"


@pytest.fixture(autouse=True)
def no_backoff_waits() -> Iterator[None]:
    with stamina.set_testing(True, attempts=3):
        yield


class Recorder(httpx.AsyncBaseTransport):
    """Passes requests on and keeps each one's path and JSON body."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.sent: list[tuple[str, dict[str, Any]]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append((request.url.path, json.loads(await request.aread())))
        return await self.inner.handle_async_request(request)


class Clock:
    def __init__(self) -> None:
        self.now = 1_716_400_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def state(clock: Clock) -> UmsSandbox:
    return UmsSandbox(clock=clock, stk_delay=10, delivery_delay=5)


@pytest.fixture
def recorder(state: UmsSandbox) -> Recorder:
    app = Starlette(routes=[Mount("/ums/api/v1", app=ums_app(state))])
    return Recorder(httpx.ASGITransport(app=app))


@pytest.fixture
async def client(recorder: Recorder) -> AsyncIterator[UmsClient]:
    async with UmsClient(BASE, SecretStr(KEY), EMAIL, transport=recorder) as ums:
        yield ums


def faulty(handler: Callable[[httpx.Request], httpx.Response]) -> tuple[UmsClient, list[str]]:
    """A client whose server is `handler`; the list collects the paths it was asked for."""
    calls: list[str] = []

    def record(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path.rsplit("/", 1)[-1])
        return handler(request)

    transport = httpx.MockTransport(record)
    return UmsClient(BASE, SecretStr(KEY), EMAIL, transport=transport), calls


# -- every method against the sandbox, with the wire bodies --------------------------------


async def test_send_sms_uses_the_documented_body(
    client: UmsClient, recorder: Recorder, state: UmsSandbox
) -> None:
    sent = await client.send_sms("+254 798 765 432", "UMS SMS Api Test Message")
    assert sent.success == "200" and sent.message == "Message sent sucessfully."
    assert sent.request_id in state.sms
    assert recorder.sent == [
        (
            "/ums/api/v1/sms",
            {
                "api_key": KEY,
                "email": EMAIL,
                "Sender_Id": "UMS_SMS",
                "message": "UMS SMS Api Test Message",
                "phone": "0798765432",
            },
        )
    ]


async def test_sms_balance_goes_down_by_the_units(client: UmsClient) -> None:
    assert await client.sms_balance() == 100
    await client.send_sms("0798765432", "z" * 200)
    assert await client.sms_balance() == 98


async def test_sms_delivery_report(client: UmsClient, recorder: Recorder, clock: Clock) -> None:
    sent = await client.send_sms("0112345678", "Welcome to my company")
    report = await client.sms_delivery(sent.request_id)
    assert (report.status, report.delivered, report.recipient) == ("Pending", False, "0112345678")
    clock.now += 5
    assert (await client.sms_delivery(sent.request_id)).delivered
    assert recorder.sent[-1] == (
        "/ums/api/v1/smsdelivery",
        {"api_key": KEY, "email": EMAIL, "request_id": sent.request_id},
    )


async def test_sms_over_the_balance_is_unprocessable(client: UmsClient, state: UmsSandbox) -> None:
    state.sms_credit = 1
    with pytest.raises(Unprocessable) as caught:
        await client.send_sms("0798765432", "w" * 161)
    assert caught.value.message == (
        "Insufficient SMS credit: the message needs 2 units, the balance is 1"
    )
    assert state.sms_credit == 1


async def test_a_malformed_phone_is_refused_before_anything_is_sent(
    client: UmsClient, recorder: Recorder
) -> None:
    for phone in ("0798", "256772123456", "0298765432", "call me"):
        with pytest.raises(BadRequest):
            await client.send_sms(phone, "hi")
        with pytest.raises(BadRequest):
            await client.initiate_stk(ACCOUNT, 10, phone, "ref")
    assert recorder.sent == []


async def test_initiate_stk_and_status_use_the_documented_names(
    client: UmsClient, recorder: Recorder, clock: Clock
) -> None:
    initiated = await client.initiate_stk(ACCOUNT, 10, "0798765432", "675432")
    assert initiated.message == "Request sent sucessfully."
    pending = await client.transaction_status(initiated.transaction_request_id)
    assert pending.status == "Pending" and not pending.final
    clock.now += 10
    done = await client.transaction_status(initiated.transaction_request_id)
    assert (done.status, done.final, done.completed, done.amount) == ("Completed", True, True, 10)
    assert done.reference == "675432" and done.msisdn == "254798765432" and done.receipt
    assert recorder.sent[0] == (
        "/ums/api/v1/intiatestk",
        {
            "api_key": KEY,
            "email": EMAIL,
            "account_id": ACCOUNT,
            "amount": "10",
            "msisdn": "254798765432",
            "reference": "675432",
        },
    )
    assert recorder.sent[1] == (
        "/ums/api/v1/transactionstatus",
        {"api_key": KEY, "email": EMAIL, "tranasaction_request_id": pending.transaction_id},
    )


@pytest.mark.parametrize(
    ("suffix", "status", "code", "words"),
    [
        ("5432", "Completed", 0, "Payment received"),
        ("1032", "Cancelled", 1032, "Request cancelled by user"),
        ("1031", "Cancelled", 1031, "Request cancelled by user"),
        ("1037", "Failed", 1037, "The customer's phone could not be reached"),
        ("0001", "Failed", 1, "The M-Pesa balance is not enough for this payment"),
        ("1025", "Failed", 1025, "The payment request could not be sent to the phone"),
        ("2001", "Failed", 2001, "invalid initiator information"),
        ("1019", "Failed", 1019, "expired"),
        ("1001", "Failed", 1001, "already in progress"),
    ],
)
async def test_each_stk_outcome(
    client: UmsClient, clock: Clock, suffix: str, status: str, code: int, words: str
) -> None:
    initiated = await client.initiate_stk(ACCOUNT, 50, f"25479876{suffix}", f"r{suffix}")
    clock.now += 10
    result = await client.transaction_status(initiated.transaction_request_id)
    assert (result.status, result.response_code, result.final) == (status, code, True)
    assert result.completed is (code == 0)
    assert words in result.explanation


async def test_stk_that_is_never_answered_stays_pending(client: UmsClient, clock: Clock) -> None:
    initiated = await client.initiate_stk(ACCOUNT, 50, "0798769999", "never")
    clock.now += 3600
    result = await client.transaction_status(initiated.transaction_request_id)
    assert not result.final and result.response_code is None


async def test_retrying_a_push_with_its_reference_never_pushes_twice(
    client: UmsClient, state: UmsSandbox
) -> None:
    first = await client.initiate_stk(ACCOUNT, 10, "0798765432", "K-000001")
    again = await client.initiate_stk(ACCOUNT, 10, "0798765432", "K-000001")
    assert first.transaction_request_id == again.transaction_request_id
    assert len(state.pushes) == 1


async def test_unknown_transaction_is_not_found(client: UmsClient) -> None:
    with pytest.raises(NotFound, match="Transaction UMSPID1 not found"):
        await client.transaction_status("UMSPID1")


async def test_hotspot_plans_and_voucher(
    client: UmsClient, recorder: Recorder, state: UmsSandbox
) -> None:
    station = await client.hotspot_plans("UMS26595527")
    assert station.station.station_name == "TANDAO HOTSPOT - KANGU"
    assert [p.price for p in station.plans] == [10, 10, 10, 20, 35, 200]
    voucher = await client.register_voucher("U92191578", "KX7Q2")
    assert (voucher.voucher, voucher.plan_price, voucher.station_id) == (
        "KX7Q2",
        35,
        "UMS26595527",
    )
    with pytest.raises(BadRequest, match="Voucher KX7Q2 is already registered") as caught:
        await client.register_voucher("U92191578", "KX7Q2")
    assert caught.value.status == 409
    assert len(state.vouchers) == 1
    assert [path for path, _ in recorder.sent] == [
        "/ums/api/v1/isp/hostspotplans",
        "/ums/api/v1/isp/registervoucher",
        "/ums/api/v1/isp/registervoucher",
    ]
    assert recorder.sent[0][1] == {"api_key": KEY, "email": EMAIL, "station_id": "UMS26595527"}
    assert recorder.sent[1][1] == {
        "api_key": KEY,
        "email": EMAIL,
        "plan_code": "U92191578",
        "voucher_code": "KX7Q2",
    }


async def test_unknown_plan_is_not_found(client: UmsClient) -> None:
    with pytest.raises(NotFound, match="Plan U0 not found"):
        await client.register_voucher("U0", "ABCD")


async def test_wrong_api_key_is_an_auth_error_without_the_key(recorder: Recorder) -> None:
    async with UmsClient(BASE, SecretStr("wrong-key"), EMAIL, transport=recorder) as ums:
        with pytest.raises(AuthError) as caught:
            await ums.sms_balance()
    assert "Invalid api key" in caught.value.message
    assert len(recorder.sent) == 1  # an auth error is not retried


# -- typed errors from servers that misbehave ------------------------------------------------


HTML = httpx.Response(502, html="<html><body>502 Bad Gateway</body></html>")


async def test_html_from_a_safe_read_is_bad_response_after_retries() -> None:
    ums, calls = faulty(lambda request: HTML)
    with pytest.raises(BadResponse, match="HTTP 502 with text/html, not JSON"):
        await ums.sms_balance()
    assert calls == ["smsbalance"] * 3


async def test_html_after_a_money_moving_request_is_unknown_outcome() -> None:
    ums, calls = faulty(lambda request: HTML)
    with pytest.raises(UnknownOutcome) as caught:
        await ums.initiate_stk(ACCOUNT, 10, "0798765432", "K-1")
    assert caught.value.transaction_id == "K-1"
    assert calls == ["intiatestk"]


async def test_html_with_a_4xx_status_is_a_refusal() -> None:
    ums, _ = faulty(lambda request: httpx.Response(403, text="<h1>Forbidden</h1>"))
    with pytest.raises(Forbidden, match="HTTP 403 with text/plain, not JSON"):
        await ums.send_sms("0798765432", "hi")


async def test_json_5xx_is_unavailable_for_reads_and_unknown_for_money() -> None:
    answer = httpx.Response(503, json={"success": "503", "massage": "Service down"})
    ums, calls = faulty(lambda request: answer)
    with pytest.raises(Unavailable, match="Service down"):
        await ums.hotspot_plans("UMS26595527")
    with pytest.raises(UnknownOutcome, match="Service down"):
        await ums.send_sms("0798765432", "hi")
    assert calls == ["hostspotplans"] * 3 + ["sms"]


async def test_a_refusal_inside_a_200_answer_is_typed() -> None:
    answer = httpx.Response(200, json={"success": "400", "massage": "Invalid Sender Id"})
    ums, _ = faulty(lambda request: answer)
    with pytest.raises(BadRequest, match="Invalid Sender Id"):
        await ums.send_sms("0798765432", "hi")


async def test_an_stk_response_code_refusal_is_explained() -> None:
    answer = httpx.Response(
        200, json={"ResponseCode": 1001, "ResponseDescription": "Unable to lock subscriber"}
    )
    ums, _ = faulty(lambda request: answer)
    with pytest.raises(BadRequest, match="already in progress"):
        await ums.initiate_stk(ACCOUNT, 10, "0798765432", "K-2")


async def test_a_200_without_the_expected_fields() -> None:
    ums, _ = faulty(lambda request: httpx.Response(200, json={"success": "200"}))
    with pytest.raises(UnknownOutcome, match="tranasaction_request_id"):
        await ums.initiate_stk(ACCOUNT, 10, "0798765432", "K-3")
    with pytest.raises(BadResponse, match="creditBalance"):
        await ums.sms_balance()


def _raise(exc: Exception) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return handler


async def test_connection_refused_is_unavailable_even_for_money() -> None:
    ums, calls = faulty(_raise(httpx.ConnectError("Connection refused")))
    with pytest.raises(Unavailable, match="Cannot reach UMS"):
        await ums.send_sms("0798765432", "hi")
    with pytest.raises(Unavailable):
        await ums.transaction_status("UMSPID1")
    assert calls == ["sms"] + ["transactionstatus"] * 3


@pytest.mark.parametrize(
    "exc", [httpx.ReadTimeout("timed out"), httpx.RemoteProtocolError("peer closed connection")]
)
async def test_a_lost_answer_after_sending_is_unknown_outcome(exc: Exception) -> None:
    ums, calls = faulty(_raise(exc))
    with pytest.raises(UnknownOutcome) as sms:
        await ums.send_sms("0798765432", "hi")
    with pytest.raises(UnknownOutcome) as voucher:
        await ums.register_voucher("U77434129", "V123")
    with pytest.raises(Unavailable):
        await ums.sms_delivery("1")
    assert (sms.value.transaction_id, voucher.value.transaction_id) == (None, "V123")
    assert calls == ["sms", "registervoucher"] + ["smsdelivery"] * 3


async def test_a_read_recovers_when_a_retry_succeeds() -> None:
    answers = iter([HTML, httpx.Response(200, json={"success": "200", "creditBalance": 7})])
    ums, calls = faulty(lambda request: next(answers))
    assert await ums.sms_balance() == 7
    assert calls == ["smsbalance", "smsbalance"]


# -- the api key stays secret ----------------------------------------------------------------


async def test_api_key_never_in_repr_logs_or_errors(
    recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with UmsClient(BASE, SecretStr(KEY), EMAIL, transport=recorder) as ums:
        await ums.send_sms("0798765432", "hi")
        assert KEY not in repr(ums) and KEY not in str(vars(ums))
    echo = httpx.Response(401, json={"success": "401", "massage": f"Unknown api_key {KEY}"})
    leaky, _ = faulty(lambda request: echo)
    with pytest.raises(AuthError) as caught:
        await leaky.sms_balance()
    error = caught.value
    shown = " ".join([str(error), repr(error), json.dumps(error.payload)])
    assert KEY not in shown and "Unknown api_key ***" in error.message
    assert KEY not in caplog.text


def test_kenyan_mobile_forms() -> None:
    assert kenyan_mobile("0798765432", international=True) == "254798765432"
    assert kenyan_mobile("254112345678", international=False) == "0112345678"
    assert kenyan_mobile("+254 (798) 765-432", international=False) == "0798765432"
