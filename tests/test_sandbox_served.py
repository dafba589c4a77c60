"""The sandbox served by uvicorn on a loopback port: real sockets, real dropped connections."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from kiosk.sandbox.app import Sandbox
from kiosk.sandbox.faults import RefusedConnections
from kiosk.sandbox.server import ServedSandbox

ACCOUNT = "15B0D8D8BE"
PURCHASE = "/api/products/purchase"
CREDENTIALS = {"email": "jane.doe@domain.com", "password": "password"}


@pytest.fixture(scope="module")
def served() -> Iterator[ServedSandbox]:
    with ServedSandbox(Sandbox()) as running:
        yield running


@pytest.fixture
def sandbox(served: ServedSandbox) -> Iterator[Sandbox]:
    yield served.sandbox
    served.sandbox.faults.clear()


@pytest.fixture
def api(served: ServedSandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served.ugmart_url, timeout=5) as client:
        token = client.post("/login", json=CREDENTIALS).json()["token"]
        client.headers["Authorization"] = f"Bearer {token}"
        yield client


def airtime(txid: str) -> dict[str, Any]:
    return {
        "account_code": ACCOUNT,
        "transaction_id": txid,
        "amount": 500,
        "msisdn": "0777044237",
        "product_code": "MTN",
        "description": "MTN Airtime",
    }


def eventually(condition: Callable[[], bool]) -> bool:
    """The server thread may still be working when the client has given up."""
    deadline = time.monotonic() + 5
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


def test_login_and_products_over_loopback(served: ServedSandbox, api: httpx.Client) -> None:
    assert served.ugmart_url.startswith("http://127.0.0.1:") and served.port != 0
    products = api.get("/products").json()
    assert products["status"] == "SUCCESS"
    assert "UMEME" in {p["code"] for p in products["data"]}


def test_ums_is_served_beside_ugmart(served: ServedSandbox) -> None:
    answer = httpx.post(f"{served.ums_url}/smsbalance", json={}, timeout=5)
    assert answer.status_code != 404
    assert answer.headers["content-type"].startswith("application/json")


def test_a_dropped_purchase_is_committed_and_a_retry_is_not_charged_again(
    sandbox: Sandbox, api: httpx.Client
) -> None:
    sandbox.faults.push("drop", path=PURCHASE)
    with pytest.raises(httpx.TransportError):
        api.post("/products/purchase", json=airtime("SRV-DROP-1"))
    assert sandbox.ugmart.charges_for("SRV-DROP-1") == 1
    retried = api.post("/products/purchase", json=airtime("SRV-DROP-1"))
    assert retried.status_code == 200
    assert retried.json()["data"]["transaction_id"] == "SRV-DROP-1"
    assert sandbox.ugmart.charges_for("SRV-DROP-1") == 1


def test_a_drop_really_closes_the_socket_mid_answer(
    served: ServedSandbox, sandbox: Sandbox, api: httpx.Client
) -> None:
    sandbox.faults.push("drop", path=PURCHASE)
    body = httpx.Request("POST", "http://x", json=airtime("SRV-DROP-2")).read()
    head = (
        f"POST {PURCHASE} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Authorization: {api.headers['Authorization']}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    received = b""
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as raw:
        raw.sendall(head.encode() + body)
        while chunk := raw.recv(65536):
            received += chunk
    # recv() returned b"": the server closed the connection, before the promised body.
    headers, _, partial = received.partition(b"\r\n\r\n")
    assert b"content-length: 4096" in headers.lower()
    assert len(partial) < 4096
    assert eventually(lambda: sandbox.ugmart.charges_for("SRV-DROP-2") == 1)


def test_hangup_closes_before_anything_is_done(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.faults.push("hangup", path=PURCHASE)
    with pytest.raises(httpx.TransportError):
        api.post("/products/purchase", json=airtime("SRV-HANGUP"))
    assert sandbox.ugmart.charges_for("SRV-HANGUP") == 0


async def test_refuse_is_a_real_refused_connection(
    sandbox: Sandbox, served: ServedSandbox, api: httpx.Client
) -> None:
    token = api.headers["Authorization"]
    sandbox.faults.push("refuse", path=PURCHASE)
    transport = RefusedConnections(sandbox.faults)
    async with httpx.AsyncClient(
        transport=transport, base_url=served.ugmart_url, headers={"Authorization": token}
    ) as client:
        with pytest.raises(httpx.ConnectError) as refused:
            await client.post("/products/purchase", json=airtime("SRV-REFUSE"))
        again = await client.post("/products/purchase", json=airtime("SRV-REFUSE"))
    assert any(isinstance(e, ConnectionRefusedError) for e in causes(refused.value))
    assert again.status_code == 200
    assert sandbox.ugmart.charges_for("SRV-REFUSE") == 1
    assert sandbox.faults.injected[-1] == ("refuse", PURCHASE)


def causes(exc: BaseException | None) -> list[BaseException]:
    chain = []
    while exc is not None:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    return chain


def test_a_slow_answer_times_the_client_out_after_the_commit(
    sandbox: Sandbox, api: httpx.Client
) -> None:
    sandbox.faults.push("timeout", path=PURCHASE, seconds=0.5)
    with pytest.raises(httpx.TimeoutException):
        api.post("/products/purchase", json=airtime("SRV-SLOW"), timeout=0.1)
    assert eventually(lambda: sandbox.ugmart.charges_for("SRV-SLOW") == 1)


def test_served_error_pages_and_bad_bodies(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.faults.push("502", path=PURCHASE)
    sandbox.faults.push("bad_body", path=PURCHASE)
    gateway = api.post("/products/purchase", json=airtime("SRV-BAD"))
    truncated = api.post("/products/purchase", json=airtime("SRV-BAD"))
    assert gateway.status_code == 502 and "<html>" in gateway.text
    assert truncated.status_code == 200
    with pytest.raises(ValueError):
        truncated.json()
    assert sandbox.ugmart.charges_for("SRV-BAD") == 1


def test_kiosk_sandbox_command_serves_and_prints_the_urls() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "sandbox", "--port", "0", "--token-ttl", "60"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(7)]
        printed = "".join(lines)
        ugmart_url = next(line.split()[-1] for line in lines if "Ugmart:" in line)
        assert "export KIOSK_UGMART_URL=" + ugmart_url in printed
        assert "/ums/api/v1" in printed
        login = httpx.post(f"{ugmart_url}/login", json=CREDENTIALS, timeout=5).json()
        assert login["expires_in"] == 60
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
