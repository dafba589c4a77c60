"""UgmartClient against a scripted server (httpx.MockTransport), then against the sandbox.

Safe reads retry 3 times without waiting (stamina testing mode, see conftest.fast_retries).
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from kiosk.api.catalog_models import ProductValidateRequest, PurchaseRequest
from kiosk.api.errors import (
    ApiError,
    AuthError,
    BadRequest,
    BadResponse,
    Forbidden,
    NotFound,
    Unavailable,
    UnknownOutcome,
    Unprocessable,
)
from kiosk.api.http import redact
from kiosk.api.ugmart import UgmartClient
from kiosk.api.ugmart_models import (
    CardPaymentRequest,
    CollectionRequest,
    PayoutRequest,
    SmsRequest,
    TransactionFilter,
)
from kiosk.sandbox.app import UGMART_BASE, Sandbox
from kiosk.sandbox.ugmart import UgmartSandbox
from kiosk.settings import SANDBOX_UGMART_ACCOUNT, SANDBOX_UGMART_EMAIL, SANDBOX_UGMART_PASSWORD

BASE = "https://ugmart.test/api"
EMAIL = "jane.doe@domain.com"
PASSWORD = "hunter2-Pa55word"
ACCOUNT = SANDBOX_UGMART_ACCOUNT
EXAMPLES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "fixtures" / "ugmart_examples.json").read_text()
)["examples"]

Answer = Callable[[httpx.Request], httpx.Response]


def token(n: int) -> str:
    return f"eyJhbGciOiJSUzI1NiJ9.eyJuIjoi{n}In0.c2VjcmV0LXNpZ25hdHVyZS0{n}"


def reply(status: int = 200, body: Any = None, *, content: bytes | None = None) -> Answer:
    def answer(request: httpx.Request) -> httpx.Response:
        if content is not None:
            return httpx.Response(status, content=content, headers={"content-type": "text/html"})
        return httpx.Response(status, json=body)

    return answer


def ok(data: Any = None, **top: Any) -> Answer:
    return reply(200, {"code": 200, "status": "SUCCESS", "message": "Done", "data": data, **top})


def failed(code: int, message: str, http_status: int | None = None) -> Answer:
    body = {"code": code, "status": "FAILED", "message": message}
    return reply(code if http_status is None else http_status, body)


def raises(kind: type[httpx.TransportError]) -> Answer:
    def answer(request: httpx.Request) -> httpx.Response:
        raise kind("scripted network failure", request=request)

    return answer


class Server:
    """A scripted Ugmart. Each path answers from its queue, then its standing answer, else
    `ok([])`; login hands out token(1), token(2), ... unless a login answer is queued."""

    def __init__(self) -> None:
        self.expires_in = 1800
        self.logins = 0
        self.seen: list[httpx.Request] = []
        self.queued: dict[str, list[Answer]] = defaultdict(list)
        self.standing: dict[str, Answer] = {}

    def queue(self, path: str, *answers: Answer) -> None:
        self.queued[path].extend(answers)

    def always(self, path: str, answer: Answer) -> None:
        self.standing[path] = answer

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        path = request.url.path.removeprefix("/api/")
        if self.queued[path]:
            return self.queued[path].pop(0)(request)
        if path == "login":
            self.logins += 1
            body = {"token": token(self.logins), "expires_in": self.expires_in, "email": EMAIL}
            return httpx.Response(200, json=body)
        return self.standing.get(path, ok([]))(request)

    def calls(self, path: str) -> list[httpx.Request]:
        return [r for r in self.seen if r.url.path == f"/api/{path}"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def server() -> Server:
    return Server()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def client(server: Server, clock: Clock) -> AsyncIterator[UgmartClient]:
    transport = httpx.MockTransport(server.handle)
    async with UgmartClient(
        BASE, EMAIL, SecretStr(PASSWORD), transport=transport, clock=clock
    ) as made:
        yield made


def bearer(request: httpx.Request) -> str:
    return request.headers.get("authorization", "")


def sent(request: httpx.Request) -> dict[str, Any]:
    return json.loads(request.content)


def purchase_request(txid: str = "KIOSK-0001") -> PurchaseRequest:
    return PurchaseRequest(
        account_code=ACCOUNT,
        transaction_id=txid,
        amount=500,
        msisdn="0777044237",
        product_code="MTN",
        description="MTN Airtime",
    )


Call = Callable[[UgmartClient, str], Awaitable[Any]]

MONEY_CALLS: dict[str, tuple[str, Call]] = {
    "purchase": ("products/purchase", lambda c, t: c.purchase(purchase_request(t))),
    "collection": (
        "collection",
        lambda c, t: c.collection(
            CollectionRequest(
                account_code=ACCOUNT,
                transaction_id=t,
                provider_id="airtel_money",
                msisdn="256703560861",
                amount=500,
                application="Kiosk",
                description="Payment Request.",
            )
        ),
    ),
    "payout": (
        "payout",
        lambda c, t: c.payout(
            PayoutRequest(
                account_code=ACCOUNT,
                transaction_id=t,
                msisdn="256701345672",
                amount=500,
                application="Kiosk",
                description="School Fees",
                recipient_name="Jane Doe",
            )
        ),
    ),
    "request_payment": (
        "request-payment",
        lambda c, t: c.request_payment(
            CardPaymentRequest(
                account_code=ACCOUNT,
                transaction_id=t,
                msisdn="0701345672",
                amount=500,
                application="Kiosk",
                description="Payment Request.",
                callback_url="http://127.0.0.1:8787/ugmart/card",
            )
        ),
    ),
    "send_sms": (
        "send-sms",
        lambda c, t: c.send_sms(
            SmsRequest(account_code=ACCOUNT, transaction_id=t, to="256700392138", text="Hi")
        ),
    ),
}


# -- auth ------------------------------------------------------------------------------------


async def test_logs_in_lazily_and_sends_json_with_the_bearer_token(
    client: UgmartClient, server: Server
) -> None:
    assert server.seen == []
    await client.balances()
    login, balance = server.seen
    assert sent(login) == {"email": EMAIL, "password": PASSWORD}
    assert "authorization" not in login.headers
    assert bearer(balance) == f"Bearer {token(1)}"
    assert balance.headers["content-type"] == "application/json"
    assert balance.headers["accept"] == "application/json"


async def test_token_is_renewed_shortly_before_it_expires(
    client: UgmartClient, server: Server, clock: Clock
) -> None:
    await client.balances()
    clock.now += 1800 - 61
    await client.balances()
    assert server.logins == 1
    clock.now += 2
    await client.balances()
    assert server.logins == 2
    assert [bearer(r)[-1] for r in server.calls("balance")] == ["1", "1", "2"]


@pytest.mark.parametrize(
    "expired",
    [
        reply(401, {"code": 401, "message": "Expired JWT. Please renew it"}),
        reply(200, {"code": 401, "status": "FAILED", "message": "Expired JWT. Please renew it."}),
        reply(401, content=b"<html>401 Authorization Required</html>"),
    ],
    ids=["http-401", "failed-body-401", "html-401"],
)
async def test_a_refused_token_means_one_new_login_and_one_retry(
    client: UgmartClient, server: Server, expired: Answer
) -> None:
    server.queue("balance", expired)
    await client.balances()
    assert server.logins == 2
    assert [bearer(r) for r in server.calls("balance")] == [
        f"Bearer {token(1)}",
        f"Bearer {token(2)}",
    ]


async def test_a_second_401_is_an_auth_error_with_the_server_message(
    client: UgmartClient, server: Server
) -> None:
    server.always("balance", reply(401, {"code": 401, "message": "Expired JWT. Please renew it"}))
    with pytest.raises(AuthError, match="Expired JWT"):
        await client.balances()
    assert len(server.calls("balance")) == 2 and server.logins == 2


async def test_purchase_refused_for_its_token_is_sent_again_with_the_same_id(
    client: UgmartClient, server: Server
) -> None:
    server.queue(
        "products/purchase",
        reply(401, {"code": 401, "message": "Expired JWT. Please renew it"}),
        ok({"transaction_id": "KIOSK-0001", "memo": "SUCCESS"}, message="Purchase completed"),
    )
    result = await client.purchase(purchase_request())
    assert result.status == "SUCCESS"
    calls = server.calls("products/purchase")
    assert [sent(r)["transaction_id"] for r in calls] == ["KIOSK-0001", "KIOSK-0001"]


async def test_wrong_credentials_are_an_auth_error_without_the_password(
    client: UgmartClient, server: Server
) -> None:
    server.queue("login", failed(401, "Bad credentials, please verify your email/password"))
    with pytest.raises(AuthError, match="Bad credentials") as raised:
        await client.payment_providers()
    assert len(server.calls("login")) == 1 and server.calls("payment-providers") == []
    assert PASSWORD not in f"{raised.value} {raised.value!r}"


async def test_an_unreadable_login_answer_does_not_carry_the_token(
    client: UgmartClient, server: Server
) -> None:
    server.queue("login", reply(200, {"token": token(9), "expires_in": "soon"}))
    with pytest.raises(BadResponse, match="expires_in") as raised:
        await client.login()
    assert token(9) not in f"{raised.value} {raised.value!r}"
    assert raised.value.__cause__ is None


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kind", "attempts"),
    [
        (400, BadRequest, 1),
        (403, Forbidden, 1),
        (404, NotFound, 1),
        (422, Unprocessable, 1),
        (500, Unavailable, 3),
        (503, Unavailable, 3),
    ],
)
async def test_http_errors_are_typed_with_the_server_message(
    client: UgmartClient, server: Server, status: int, kind: type[ApiError], attempts: int
) -> None:
    server.always("balance/15B0D8D8B", failed(status, f"server says {status}"))
    with pytest.raises(kind) as raised:
        await client.balance("15B0D8D8B")
    assert type(raised.value) is kind
    assert (raised.value.message, raised.value.status) == (f"server says {status}", status)
    assert len(server.calls("balance/15B0D8D8B")) == attempts


KIND_OF_CODE = {400: BadRequest, 401: AuthError, 404: NotFound, 422: Unprocessable}
# Each documented failure as sent with its own HTTP status and, when it says FAILED (a 401
# without `status` does not), on an HTTP 200 as well.
DOCUMENTED_FAILURES = [
    (e["body"], http_status)
    for e in EXAMPLES
    if e["kind"] == "failure"
    for http_status in (e["body"]["code"], 200)
    if http_status != 200 or e["body"].get("status") == "FAILED"
]


@pytest.mark.parametrize(
    ("body", "http_status"),
    DOCUMENTED_FAILURES,
    ids=[f"{b['message'][:30]}-{s}" for b, s in DOCUMENTED_FAILURES],
)
async def test_every_documented_failure_is_raised_with_its_message(
    client: UgmartClient, server: Server, body: dict[str, Any], http_status: int
) -> None:
    server.always("balance", reply(http_status, body))
    with pytest.raises(KIND_OF_CODE[body["code"]]) as raised:
        await client.balances()
    assert raised.value.message == body["message"]


async def test_an_html_502_is_a_bad_response_and_the_read_is_retried(
    client: UgmartClient, server: Server
) -> None:
    server.always("products", reply(502, content=b"<html><h1>502 Bad Gateway</h1></html>"))
    with pytest.raises(BadResponse, match="HTTP 502 with text/html"):
        await client.products()
    assert len(server.calls("products")) == 3


async def test_a_safe_read_is_retried_until_it_succeeds(
    client: UgmartClient, server: Server
) -> None:
    product = {"name": "MTN Airtime", "type": "AIRTIME", "code": "MTN", "price": 500}
    server.queue("products", failed(503, "Service Unavailable"), raises(httpx.ReadTimeout))
    server.always("products", ok([product]))
    assert [p.code for p in await client.products()] == ["MTN"]
    assert len(server.calls("products")) == 3


async def test_validation_is_a_safe_read_and_retried(client: UgmartClient, server: Server) -> None:
    server.queue("products/validate", raises(httpx.RemoteProtocolError))
    server.always("products/validate", ok({"valid": True, "msisdn": "0700392138"}))
    validation = await client.validate_product(
        ProductValidateRequest(amount=1000, msisdn="0700392138", product_code="AIRTEL")
    )
    assert validation.valid and len(server.calls("products/validate")) == 2


async def test_a_safe_read_gives_up_with_unavailable(client: UgmartClient, server: Server) -> None:
    server.always("payment-providers", raises(httpx.ConnectError))
    with pytest.raises(Unavailable):
        await client.payment_providers()
    assert len(server.calls("payment-providers")) == 3


# -- money-moving calls ----------------------------------------------------------------------

UNCLEAR: dict[str, Answer] = {
    "read-timeout": raises(httpx.ReadTimeout),
    "write-timeout": raises(httpx.WriteTimeout),
    "dropped": raises(httpx.RemoteProtocolError),
    "reset": raises(httpx.ReadError),
    "500-json": failed(500, "Internal Server Error"),
    "503-json": failed(503, "Service Unavailable"),
    "502-html": reply(502, content=b"<html>502 Bad Gateway</html>"),
    "404-html": reply(404, content=b"<html>404 Not Found</html>"),
    "200-truncated": reply(200, content=b'{"code": 200, "sta'),
    "200-list": reply(200, []),
    "200-no-status": reply(200, {"code": 200, "message": "Done"}),
    "200-data-failed": ok({"status": "FAILED"}),
}


@pytest.mark.parametrize("unclear", list(UNCLEAR), ids=str)
@pytest.mark.parametrize("call", list(MONEY_CALLS), ids=str)
async def test_an_unclear_answer_to_money_is_an_unknown_outcome_never_retried(
    client: UgmartClient, server: Server, call: str, unclear: str
) -> None:
    path, send = MONEY_CALLS[call]
    server.always(path, UNCLEAR[unclear])
    with pytest.raises(UnknownOutcome) as raised:
        await send(client, "KIOSK-0042")
    assert raised.value.transaction_id == "KIOSK-0042"
    assert len(server.calls(path)) == 1


@pytest.mark.parametrize("refused", [httpx.ConnectError, httpx.ConnectTimeout])
@pytest.mark.parametrize("call", list(MONEY_CALLS), ids=str)
async def test_a_refused_connection_is_unavailable_and_not_retried(
    client: UgmartClient, server: Server, call: str, refused: type[httpx.TransportError]
) -> None:
    path, send = MONEY_CALLS[call]
    server.always(path, raises(refused))
    with pytest.raises(Unavailable) as raised:
        await send(client, "KIOSK-0043")
    assert not isinstance(raised.value, UnknownOutcome)
    assert len(server.calls(path)) == 1


@pytest.mark.parametrize(
    "refusal",
    [failed(400, "The phone number is not valid"), failed(422, "Insufficient balance", 200)],
    ids=["http-400", "failed-on-200"],
)
@pytest.mark.parametrize("call", list(MONEY_CALLS), ids=str)
async def test_a_money_call_the_server_refused_is_a_plain_typed_error(
    client: UgmartClient, server: Server, call: str, refusal: Answer
) -> None:
    path, send = MONEY_CALLS[call]
    server.always(path, refusal)
    with pytest.raises(ApiError) as raised:
        await send(client, "KIOSK-0044")
    assert isinstance(raised.value, BadRequest | Unprocessable)
    assert len(server.calls(path)) == 1


async def test_purchase_success_is_one_flat_result(client: UgmartClient, server: Server) -> None:
    example = next(e["body"] for e in EXAMPLES if e["model"] == "PurchaseResult")
    server.always("products/purchase", reply(200, example))
    result = await client.purchase(purchase_request())
    assert (result.status, result.message) == ("SUCCESS", "Purchase completed successfully")
    assert result.transaction_id == "1513647009" and result.provider_transaction_id == "5021238514"
    assert sent(server.calls("products/purchase")[0]) == {
        "account_code": ACCOUNT,
        "transaction_id": "KIOSK-0001",
        "amount": 500,
        "msisdn": "0777044237",
        "product_code": "MTN",
        "description": "MTN Airtime",
    }


@pytest.mark.parametrize("status", ["INCOMPLETE", "PENDING"])
@pytest.mark.parametrize("data", [None, {"memo": "queued"}, {"status": "SUCCESS"}])
async def test_an_incomplete_or_pending_purchase_is_returned_never_as_success(
    client: UgmartClient, server: Server, status: str, data: dict[str, Any] | None
) -> None:
    body = {"code": 200, "status": status, "message": "Queued", "data": data}
    server.always("products/purchase", reply(200, body))
    result = await client.purchase(purchase_request())
    assert result.status == status and result.transaction_id == "KIOSK-0001"


async def test_a_collection_is_pending_until_the_payer_approves(
    client: UgmartClient, server: Server
) -> None:
    example = next(e["body"] for e in EXAMPLES if e["model"] == "TransferResult")
    server.always("collection", reply(200, example))
    result = await MONEY_CALLS["collection"][1](client, "auto")
    assert (result.status, result.transaction_id) == ("PENDING", "9632555544444")
    assert result.transaction_charge == 12.5


# -- cache -----------------------------------------------------------------------------------


async def test_catalog_reads_are_cached_for_the_ttl(
    client: UgmartClient, server: Server, clock: Clock
) -> None:
    await client.products()
    clock.now += 299
    await client.products()
    assert len(server.calls("products")) == 1
    clock.now += 2
    await client.products()
    assert len(server.calls("products")) == 2
    client.clear_cache()
    await client.products()
    assert len(server.calls("products")) == 3


async def test_catalog_cache_is_keyed_by_the_arguments(
    client: UgmartClient, server: Server
) -> None:
    for _ in range(2):
        await client.price_list("DSTV.Primary")
        await client.price_list("GOtv")
        await client.choice_list("DSTV.Primary")
        await client.choice_list("DSTV.Primary", "features")
        await client.secondary_price_list("GOtv.Period", "GOtv")
        await client.secondary_price_list("GOtv.Period2", "GOtv")
    queries = [dict(r.url.params) for r in server.seen if "login" not in r.url.path]
    assert queries == [
        {"code": "DSTV.Primary"},
        {"code": "GOtv"},
        {"code": "DSTV.Primary"},
        {"code": "DSTV.Primary", "type": "features"},
        {"id": "GOtv.Period", "primary": "GOtv"},
        {"id": "GOtv.Period2", "primary": "GOtv"},
    ]


async def test_a_bad_catalog_answer_is_not_cached(client: UgmartClient, server: Server) -> None:
    server.queue("products", ok([{"name": "no code"}]))
    with pytest.raises(BadResponse, match="code"):
        await client.products()
    assert await client.products() == []
    assert len(server.calls("products")) == 2


async def test_a_warm_sale_costs_exactly_two_calls(client: UgmartClient, server: Server) -> None:
    await client.products()
    await client.price_list("MTN")
    before = len(server.seen)
    server.always("products/validate", ok({"valid": True, "msisdn": "0777044237"}))
    server.always("products/purchase", ok({"transaction_id": "KIOSK-0001"}))
    await client.products()
    await client.price_list("MTN")
    await client.validate_product(
        ProductValidateRequest(amount=500, msisdn="0777044237", product_code="MTN")
    )
    await client.purchase(purchase_request())
    assert [r.url.path for r in server.seen[before:]] == [
        "/api/products/validate",
        "/api/products/purchase",
    ]


# -- transactions, balances, look-ups ---------------------------------------------------------


async def test_every_transaction_filter_is_sent_by_its_wire_name(
    client: UgmartClient, server: Server
) -> None:
    page = next(e["body"] for e in EXAMPLES if e["model"] == "TransactionPage")
    server.always("transactions", reply(200, page))
    found = await client.transactions(
        TransactionFilter(
            collection_account=ACCOUNT,
            payment_provider="airtel_money",
            type="COLLECTION",
            status="COMPLETE",
            msisdn="256777123456",
            transaction_date=date(2017, 11, 30),
            min_date="2017-11-01",
            max_date=date(2017, 12, 31),
            currency="UGX",
            amount=1000,
            min_amount=500,
            max_amount=5000,
            sort="amount",
            direction="ASC",
            page=2,
            limit=50,
        )
    )
    assert dict(server.calls("transactions")[0].url.params) == {
        "collectionAccount": ACCOUNT,
        "paymentProvider": "airtel_money",
        "type": "COLLECTION",
        "status": "COMPLETE",
        "msisdn": "256777123456",
        "transactionDate": "2017-11-30",
        "minDate": "2017-11-01",
        "maxDate": "2017-12-31",
        "currency": "UGX",
        "amount": "1000",
        "minAmount": "500",
        "maxAmount": "5000",
        "sort": "amount",
        "direction": "ASC",
        "page": "2",
        "limit": "50",
    }
    assert found.total_items == 100 and found.data[1].status == "FAILED"
    await client.transactions()
    assert dict(server.calls("transactions")[1].url.params) == {}


ROW = {"transaction_id": "1513319878", "status": "CANCELLED", "amount": 1000}


@pytest.mark.parametrize(
    ("answer", "outcome"),
    [
        (ok(ROW), "CANCELLED"),
        (ok([{**ROW, "transaction_id": "1"}, ROW]), "CANCELLED"),
        (failed(404, "Transaction '1513319878' not found"), NotFound),
        (ok([]), NotFound),
        (ok(None), NotFound),
        (ok([{**ROW, "transaction_id": "1"}]), BadResponse),
        (reply(200, {"code": 200, "status": "SUCCESS"}), BadResponse),
    ],
    ids=["found", "in-a-list", "404", "empty-list", "null", "only-others", "no-data"],
)
async def test_transaction_look_up(
    client: UgmartClient, server: Server, answer: Answer, outcome: str | type[ApiError]
) -> None:
    server.always("transactions", answer)
    if isinstance(outcome, str):
        assert (await client.transaction("1513319878")).status == outcome
    else:
        with pytest.raises(outcome):
            await client.transaction("1513319878")
    assert dict(server.calls("transactions")[0].url.params) == {"id": "1513319878"}


async def test_numbers_and_codes_are_sent_as_given(client: UgmartClient, server: Server) -> None:
    server.always("validate-account", ok({"valid": True, "customer_name": "SEKAMANYA GILBERT"}))
    validation = await client.validate_account("airtel_money", "0703560861")
    assert validation.customer_name == "SEKAMANYA GILBERT"
    assert sent(server.calls("validate-account")[0]) == {
        "provider_id": "airtel_money",
        "msisdn": "0703560861",
    }
    server.always("balance/AB/12 X", ok({"account_code": "AB/12 X"}))
    assert (await client.balance("AB/12 X")).account_code == "AB/12 X"
    assert server.seen[-1].url.raw_path == b"/api/balance/AB%2F12%20X"


# -- secrets ---------------------------------------------------------------------------------


async def test_no_secret_in_repr_logs_or_errors(
    client: UgmartClient, server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server.queue("products/purchase", reply(401, {"code": 401, "message": "Expired JWT"}))
    server.always("products/purchase", ok({"transaction_id": "KIOSK-0001"}))
    login = await client.login()
    await client.purchase(purchase_request())
    server.always("balance", reply(502, content=b"<html>502</html>"))
    with pytest.raises(BadResponse) as raised:
        await client.balances()
    assert "POST products/purchase -> 401" in caplog.text
    assert "POST products/purchase -> 200" in caplog.text
    shown = " ".join(
        [caplog.text, repr(client), str(client), repr(login), str(raised.value), repr(raised.value)]
    )
    for secret in (PASSWORD, token(1), token(2), token(3)):
        assert secret not in shown


def test_the_api_log_masks_a_secret_logged_by_mistake(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("kiosk.api").info("Authorization: Bearer %s", token(7))
    logging.getLogger("kiosk.api").info('sent {"email": "e", "password": "%s"}', PASSWORD)
    assert token(7) not in caplog.text and PASSWORD not in caplog.text
    assert "Bearer ***" in caplog.text
    assert redact(f"token {token(7)} ok") == "token *** ok"


# -- against the sandbox (httpx.ASGITransport) ------------------------------------------------


@pytest.fixture
def box_clock() -> Clock:
    return Clock()


@pytest.fixture
def box(box_clock: Clock) -> Sandbox:
    return Sandbox(ugmart=UgmartSandbox(clock=box_clock, collection_delay=5))


@pytest.fixture
async def live(box: Sandbox) -> AsyncIterator[UgmartClient]:
    async with UgmartClient(
        UGMART_BASE,
        SANDBOX_UGMART_EMAIL,
        SecretStr(SANDBOX_UGMART_PASSWORD),
        transport=box.transport(),
    ) as made:
        yield made


async def test_sandbox_login_catalog_and_lists(live: UgmartClient) -> None:
    assert (await live.login()).expires_in == 1800
    assert {"MTN", "UMEME", "DSTV.Primary"} <= {p.code for p in await live.products()}
    bouquets = await live.price_list("DSTV.Primary")
    assert bouquets and all(b.code.startswith("DSTV.Primary:") for b in bouquets)
    assert "Entebbe" in {c.id for c in await live.choice_list("NWSC")}
    assert [c.id for c in await live.choice_list("DSTV.Primary", "features")] == ["Yes", "No"]
    periods = await live.secondary_price_list("DSTV.Period", "DSTV.Primary")
    assert "DSTV.Period:1" in {p.code for p in periods}
    assert "airtel_money" in {p.code for p in await live.payment_providers()}


async def test_sandbox_balances_and_look_ups(live: UgmartClient) -> None:
    assert ACCOUNT in {b.account_code for b in await live.balances()}
    assert (await live.balance(ACCOUNT)).wallet("UGX") == 5_000_000
    with pytest.raises(NotFound, match="does not exist"):
        await live.balance("15B0D8D8B")
    assert (await live.transaction("1513319878")).status == "CANCELLED"
    with pytest.raises(NotFound):
        await live.transaction("151331987")
    account = await live.validate_account("airtel_money", "256703560861")
    assert account.valid and account.customer_name == "SEKAMANYA GILBERT"
    with pytest.raises(BadRequest, match="not valid for Airtel Money"):
        await live.validate_account("airtel_money", "256777044237")


async def test_sandbox_sale_validate_purchase_and_find_it(live: UgmartClient, box: Sandbox) -> None:
    validation = await live.validate_product(
        ProductValidateRequest(
            amount=1500,
            msisdn="04230640783",
            product_code="UMEME",
            details={"contact_phone": "0777044237"},
        )
    )
    assert validation.valid and validation.customer_name == "SAM BUSULWA"
    result = await live.purchase(purchase_request("KIOSK-0100"))
    assert result.status == "SUCCESS" and result.transaction_id == "KIOSK-0100"
    assert box.ugmart.charges_for("KIOSK-0100") == 1
    assert box.ugmart.wallet(ACCOUNT) < 5_000_000
    assert (await live.transaction("KIOSK-0100")).transaction_id == "KIOSK-0100"
    page = await live.transactions(TransactionFilter(msisdn="0777044237", limit=5))
    assert "KIOSK-0100" in {t.transaction_id for t in page.data}


async def test_sandbox_money_calls(live: UgmartClient) -> None:
    collection = await MONEY_CALLS["collection"][1](live, "KIOSK-0200")
    assert collection.status == "PENDING" and collection.transaction_charge
    payout = await MONEY_CALLS["payout"][1](live, "KIOSK-0201")
    assert payout.status == "SUCCESS" and payout.transaction_charge
    card = await MONEY_CALLS["request_payment"][1](live, "KIOSK-0202")
    assert card.status == "PENDING" and card.payment_url.endswith("/KIOSK-0202")
    sms = await MONEY_CALLS["send_sms"][1](live, "KIOSK-0203")
    assert sms.status == "SUCCESS" and sms.messages[0].to == "256700392138"


async def test_sandbox_refusals_are_typed(live: UgmartClient, box: Sandbox) -> None:
    box.ugmart.set_balance(ACCOUNT, "UGX", 100)
    with pytest.raises(Unprocessable, match="Insufficient"):
        await MONEY_CALLS["send_sms"][1](live, "KIOSK-0300")
    with pytest.raises(Unprocessable):
        await live.purchase(purchase_request("KIOSK-0301"))
    assert box.ugmart.charges_for("KIOSK-0301") == 0


async def test_sandbox_dropped_purchase_is_unknown_but_committed(
    live: UgmartClient, box: Sandbox
) -> None:
    box.faults.push("drop", "/api/products/purchase")
    with pytest.raises(UnknownOutcome) as raised:
        await live.purchase(purchase_request("KIOSK-0400"))
    assert raised.value.transaction_id == "KIOSK-0400"
    assert box.ugmart.charges_for("KIOSK-0400") == 1
    assert (await live.transaction("KIOSK-0400")).transaction_id == "KIOSK-0400"


async def test_sandbox_refused_connection_commits_nothing(live: UgmartClient, box: Sandbox) -> None:
    box.faults.push("refuse", "/api/products/purchase")
    with pytest.raises(Unavailable):
        await live.purchase(purchase_request("KIOSK-0500"))
    assert box.ugmart.charges_for("KIOSK-0500") == 0


async def test_sandbox_expired_token_is_renewed_on_the_401(
    live: UgmartClient, box: Sandbox, box_clock: Clock
) -> None:
    await live.products()
    box_clock.now += 1801  # the server's clock runs ahead of the client's
    assert (await live.balance(ACCOUNT)).account_code == ACCOUNT
    box.faults.push("401", "/api/products/purchase")
    assert (await live.purchase(purchase_request("KIOSK-0600"))).status == "SUCCESS"
    assert box.ugmart.charges_for("KIOSK-0600") == 1
