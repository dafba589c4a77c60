"""Hypothesis: whatever a server answers — missing fields, wrong types, unknown statuses, HTML,
nothing — every client method either returns a model or raises a typed ApiError, and a sale is
never called a success without an explicit SUCCESS."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from kiosk.api.catalog_models import ProductValidateRequest, PurchaseRequest
from kiosk.api.errors import ApiError
from kiosk.api.ugmart import UgmartClient
from kiosk.api.ugmart_models import CollectionRequest, SmsRequest, TransactionFilter
from kiosk.api.ums import UmsClient

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.sampled_from(["SUCCESS", "FAILED", "PENDING", "200"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(
                [
                    "data",
                    "status",
                    "code",
                    "message",
                    "token",
                    "expires_in",
                    "transaction_id",
                    "details",
                    "success",
                    "ResultCode",
                    "creditBalance",
                    "massage",
                    "valid",
                    "wallets",
                ]
            ),
            inner,
            max_size=5,
        ),
    ),
    max_leaves=12,
)
bodies = st.one_of(
    json_values.map(lambda v: json.dumps(v).encode()),
    st.sampled_from([b"", b"<html>502 Bad Gateway</html>", b'{"code": 2', b"null"]),
    st.binary(max_size=20),
)
statuses = st.sampled_from([200, 200, 200, 201, 400, 401, 403, 404, 422, 500, 502, 503])

LOGIN = json.dumps({"token": "t.t.t", "expires_in": 1800, "email": "x"}).encode()


def transport(status: int, body: bytes) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/login"):
            return httpx.Response(200, content=LOGIN)
        return httpx.Response(status, content=body)

    return httpx.MockTransport(answer)


def ugmart_calls(client: UgmartClient) -> list[Any]:
    purchase = PurchaseRequest(
        account_code="A",
        transaction_id="T",
        amount=500,
        msisdn="0777044237",
        product_code="MTN",
        description="x",
    )
    return [
        client.products(),
        client.price_list("X"),
        client.choice_list("X", "features"),
        client.secondary_price_list("L", "X"),
        client.payment_providers(),
        client.balances(),
        client.balance("A"),
        client.transactions(TransactionFilter(page=2)),
        client.transaction("T"),
        client.validate_account("airtel_money", "256700000000"),
        client.validate_product(ProductValidateRequest(amount=500, msisdn="1", product_code="X")),
        client.purchase(purchase),
        client.collection(
            CollectionRequest(
                account_code="A",
                transaction_id="C",
                provider_id="airtel_money",
                msisdn="2567",
                amount=5,
                application="k",
                description="d",
            )
        ),
        client.send_sms(SmsRequest(account_code="A", transaction_id="S", to="256", text="t")),
    ]


def ums_calls(client: UmsClient) -> list[Any]:
    return [
        client.send_sms("0798765432", "hi"),
        client.sms_balance(),
        client.sms_delivery("1"),
        client.initiate_stk("A", 1, "254798765432", "R"),
        client.transaction_status("U"),
        client.hotspot_plans("S"),
        client.register_voucher("P", "V"),
    ]


async def outcomes(calls: list[Any]) -> list[object]:
    results: list[object] = []
    for call in calls:
        try:
            results.append(await call)
        except ApiError as exc:
            results.append(exc)
    return results


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(status=statuses, body=bodies)
def test_every_client_method_returns_a_model_or_a_typed_error(status: int, body: bytes) -> None:
    async def run() -> None:
        ugmart = UgmartClient(
            "https://u.test/api", "e", SecretStr("p"), transport=transport(status, body)
        )
        ums = UmsClient(
            "https://m.test/api/v1", SecretStr("k"), "e", transport=transport(status, body)
        )
        try:
            results = await outcomes(ugmart_calls(ugmart)) + await outcomes(ums_calls(ums))
        finally:
            await ugmart.aclose()
            await ums.aclose()
        purchase = results[11]
        if not isinstance(purchase, ApiError) and purchase.status.upper() == "SUCCESS":
            assert str(json.loads(body).get("status")).upper() == "SUCCESS"

    asyncio.run(run())


class PurchaseAnswers(httpx.AsyncBaseTransport):
    """The sandbox for everything, a generated answer for the purchase."""

    def __init__(self, sandbox: httpx.AsyncBaseTransport, status: int, body: bytes) -> None:
        self.sandbox, self.status, self.body = sandbox, status, body

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/products/purchase"):
            return httpx.Response(self.status, content=self.body)
        return await self.sandbox.handle_async_request(request)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(status=statuses, body=bodies)
def test_a_sale_is_success_only_on_an_explicit_success(
    status: int, body: bytes, tmp_path_factory
) -> None:
    from kiosk.flows.autopilot import run_unattended
    from kiosk.journal import State
    from kiosk.sandbox.app import Sandbox
    from kiosk.services import build_services
    from kiosk.settings import Settings

    async def run() -> None:
        sandbox = Sandbox()
        services = build_services(Settings(data_dir=tmp_path_factory.mktemp("j")), sandbox=sandbox)
        services.ugmart._http._transport = PurchaseAnswers(sandbox.transport(), status, body)
        try:
            product = next(p for p in await services.ugmart.products() if p.code == "MTN")
            result = await run_unattended(
                services.new_sale(product), {"msisdn": "0777044237", "amount": "500"}
            )
            entry = services.journal.get(result.transaction_id)
        finally:
            await services.aclose()
        assert entry is not None
        if result.outcome == "success":
            assert status < 300 and str(json.loads(body).get("status")).upper() == "SUCCESS"
            assert entry.state is State.SUCCESS
        else:
            assert entry.state is not State.SUCCESS

    asyncio.run(run())
