"""What both clients share: turning an HTTP answer into data or a typed error, and retries.

Bodies are decoded here and only here, so a non-JSON answer (an HTML 502 page from a proxy)
is a clear BadResponse, never a crash. Nothing here logs a header or a body: secrets travel
in both.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
import stamina

from kiosk.api.errors import ApiError, BadResponse, Unavailable, UnknownOutcome, error_for_status

log = logging.getLogger("kiosk.api")
# stamina logs each scheduled retry; a terminal app must not have them printed over its screen.
logging.getLogger("stamina").addHandler(logging.NullHandler())

# Safe reads only: money-moving calls never retry on their own.
retry_safe_read = stamina.retry(
    on=(Unavailable, BadResponse),
    attempts=3,
    wait_initial=0.2,
    wait_max=2.0,
    timeout=30.0,
)


def decode(response: httpx.Response, service: str) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        kind = response.headers.get("content-type", "unknown content").split(";")[0]
        raise BadResponse(
            f"{service} answered HTTP {response.status_code} with {kind}, not JSON",
            status=response.status_code,
        ) from exc


def message_of(body: Any, default: str) -> str:
    if isinstance(body, dict):
        for key in ("message", "massage", "ResponseDescription", "ResultDesc"):
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return default


def transport_error(exc: httpx.HTTPError, service: str, transaction_id: str | None) -> ApiError:
    """A failed exchange: Unavailable when nothing reached the server, else for a money-moving
    request (one with a transaction id) an unknown outcome."""
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        return Unavailable(f"Cannot reach {service}: {type(exc).__name__}")
    if transaction_id is not None:
        return UnknownOutcome(
            f"No answer from {service} after the request was sent ({type(exc).__name__})",
            transaction_id=transaction_id,
        )
    return Unavailable(f"{service} did not answer ({type(exc).__name__})")


def checked(
    response: httpx.Response, service: str, transaction_id: str | None
) -> dict[str, Any] | list[Any]:
    """The decoded body, or the typed error it stands for."""
    money = transaction_id is not None
    try:
        body = decode(response, service)
    except BadResponse as exc:
        refused = 400 <= response.status_code < 500
        if money and not refused:
            raise UnknownOutcome(exc.message, transaction_id=transaction_id) from exc
        if response.status_code >= 400:
            raise error_for_status(response.status_code, exc.message) from exc
        raise
    status = response.status_code
    if status >= 500 and money:
        raise UnknownOutcome(
            message_of(body, f"{service} failed with HTTP {status}"),
            transaction_id=transaction_id,
            status=status,
        )
    if status >= 400:
        raise error_for_status(status, message_of(body, f"{service}: HTTP {status}"), body)
    return body
