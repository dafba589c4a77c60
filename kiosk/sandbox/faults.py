"""Fault injection for the sandbox: what a real network and a real server do to a kiosk.

Kinds:
- latency: answer normally, `spike_seconds` late (queued faults choose their own seconds)
- 500, 502, 503: answer with that status before doing anything (502 is an HTML proxy page)
- 401: answer "Expired JWT" before doing anything
- drop: do the request (a purchase is committed), then drop the connection unanswered
- timeout: do the request, then answer later than the client waits
- bad_body: do the request, then answer 200 with a truncated, non-JSON body
- hangup: close the connection before doing anything (nothing committed)
- refuse: the connection is refused (ECONNREFUSED), so nothing reaches the server. A running
  server cannot refuse a connection it has accepted: against the served sandbox the kiosk's
  client is given `RefusedConnections`, which sends the picked request to a loopback port
  nothing listens on, and the kernel refuses it. Served without it, `refuse` is a hangup.

Tests queue one-shot faults for a path (`faults.push("drop", path="/api/products/purchase")`);
the served sandbox draws them at random from a spec like `drop=0.1,500=0.05,latency=0.2`
(probabilities per request). `latency` (seconds) delays every request on top of that.
In-process (httpx.ASGITransport) a drop or timeout raises the httpx error a client would see
on a real socket; served by uvicorn the socket really closes mid-answer.
"""

from __future__ import annotations

import asyncio
import json
import random
import socket
from collections.abc import Awaitable, Callable, Collection, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import httpx

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

KINDS = ("latency", "500", "502", "503", "401", "drop", "timeout", "bad_body", "hangup", "refuse")
BEFORE = {"500", "502", "503", "401", "hangup", "refuse"}

_BAD_GATEWAY = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


@dataclass(frozen=True)
class Fault:
    kind: str
    path: str = ""
    seconds: float | None = None


@dataclass
class Faults:
    rates: dict[str, float] = field(default_factory=dict)
    latency: float = 0.0
    spike_seconds: float = 1.0
    slow_seconds: float = 60.0
    in_process: bool = True
    paths: tuple[str, ...] = ()
    seed: int | None = None
    injected: list[tuple[str, str]] = field(default_factory=list)
    _queue: list[Fault] = field(default_factory=list)
    _random: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        unknown = set(self.rates) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown fault kind(s): {', '.join(sorted(unknown))}")

    @classmethod
    def parse(cls, spec: str, **kwargs: Any) -> Faults:
        """`drop=0.1,500=0.05,latency=0.2`: the probability of each kind per request."""
        rates: dict[str, float] = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            name, _, value = part.partition("=")
            try:
                rate = float(value or 1)
            except ValueError:
                raise ValueError(f"fault {name!r}: {value!r} is not a probability") from None
            if not 0 <= rate <= 1:
                raise ValueError(f"fault {name!r}: {rate} is not between 0 and 1")
            rates[name.strip()] = rate
        return cls(rates=rates, **kwargs)

    def push(self, kind: str, path: str = "", seconds: float | None = None) -> None:
        """One fault for the next request whose path contains `path`."""
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}")
        self._queue.append(Fault(kind, path, seconds))

    def clear(self) -> None:
        """Forget the queued faults that no request has consumed yet."""
        self._queue.clear()

    @property
    def pending(self) -> list[Fault]:
        return list(self._queue)

    def draw(self, path: str, kinds: Collection[str] = KINDS) -> Fault | None:
        """The fault for a request to `path`: the first queued one for it, else a random one.
        With `kinds`, a queued fault of another kind is left for whoever handles that kind."""
        for index, fault in enumerate(self._queue):
            if fault.path in path:
                if fault.kind not in kinds:
                    return None
                del self._queue[index]
                self.injected.append((fault.kind, path))
                return fault
        if self.paths and not any(p in path for p in self.paths):
            return None
        for kind, rate in self.rates.items():
            if kind in kinds and self._random.random() < rate:
                self.injected.append((kind, path))
                return Fault(kind, path)
        return None

    def middleware(self, app: ASGIApp) -> ASGIApp:
        return FaultInjector(app, self)


class FaultInjector:
    """ASGI middleware that applies `Faults` to every HTTP request of the wrapped app."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        faults = self.faults
        # Read the whole request first: a server that has the request goes on with it even
        # if the client dies while it works (the crash tests rely on that).
        receive = await _buffered(receive)
        if faults.latency:
            await asyncio.sleep(faults.latency)
        fault = faults.draw(scope["path"])
        if fault is None:
            await self.app(scope, receive, send)
            return
        if fault.kind == "latency":
            await asyncio.sleep(faults.spike_seconds if fault.seconds is None else fault.seconds)
            await self.app(scope, receive, send)
            return
        if fault.kind in BEFORE:
            await self._before(fault.kind, send)
            return
        answer: list[Message] = []

        async def keep(message: Message) -> None:
            answer.append(message)

        await self.app(scope, receive, keep)
        await self._after(fault, answer, send)

    async def _before(self, kind: str, send: Send) -> None:
        if kind == "refuse" and self.faults.in_process:
            raise httpx.ConnectError("Connection refused (sandbox fault)")
        if kind in ("hangup", "refuse"):
            if self.faults.in_process:
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
            await _hang_up(send)
        elif kind == "401":
            await _respond(send, 401, {"code": 401, "message": "Expired JWT. Please renew it"})
        elif kind == "502":
            await _respond(send, 502, _BAD_GATEWAY, "text/html")
        else:
            status = int(kind)
            message = "Service Unavailable" if status == 503 else "Internal Server Error"
            await _respond(send, status, {"code": status, "status": "FAILED", "message": message})

    async def _after(self, fault: Fault, answer: list[Message], send: Send) -> None:
        if fault.kind == "timeout":
            if self.faults.in_process:
                raise httpx.ReadTimeout("Timed out waiting for the sandbox (fault)")
            await asyncio.sleep(
                self.faults.slow_seconds if fault.seconds is None else fault.seconds
            )
            for message in answer:
                await send(message)
            return
        if fault.kind == "drop":
            if self.faults.in_process:
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
            await _hang_up(send)
            return
        body = b"".join(m.get("body", b"") for m in answer if m["type"] == "http.response.body")
        await _respond(send, 200, body[: max(1, len(body) // 2)], "application/json")


class RefusedConnections(httpx.AsyncBaseTransport):
    """The client side of `refuse` against the served sandbox: a request the fault picks goes
    to a loopback port that is bound but not listening, so the kernel answers the connect with
    a reset (ECONNREFUSED) and httpx raises the ConnectError of a server that is down."""

    def __init__(self, faults: Faults, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.faults = faults
        self.inner = inner or httpx.AsyncHTTPTransport()
        self._refused = httpx.AsyncHTTPTransport()
        # Held bound (never listening) so no other program can take the port meanwhile.
        self._closed_port = socket.socket()
        self._closed_port.bind(("127.0.0.1", 0))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.faults.draw(request.url.path, kinds={"refuse"}) is None:
            return await self.inner.handle_async_request(request)
        port = self._closed_port.getsockname()[1]
        refused = httpx.Request(
            request.method,
            request.url.copy_with(host="127.0.0.1", port=port),
            headers=request.headers,
            stream=request.stream,
        )
        return await self._refused.handle_async_request(refused)

    async def aclose(self) -> None:
        self._closed_port.close()
        await self._refused.aclose()
        await self.inner.aclose()


async def _hang_up(send: Send) -> None:
    """Served: promise a body, send a scrap of it and return, so uvicorn closes the socket
    mid-answer ("returned without completing response") and the client sees a broken
    connection rather than an answer."""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")],
        }
    )
    await send({"type": "http.response.body", "body": b'{"co', "more_body": True})


async def _buffered(receive: Receive) -> Receive:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    replay: list[Message] = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

    async def replayed() -> Message:
        if replay:
            return replay.pop()
        return await receive()

    return replayed


async def _respond(
    send: Send, status: int, body: Any, content_type: str = "application/json"
) -> None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type.encode()),
                (b"content-length", str(len(raw)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": raw})
