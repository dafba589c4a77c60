"""Turning an HTTP answer into data or a typed error, retries for safe reads, and logging.

Bodies are decoded here and only here, so a non-JSON answer (an HTML 502 page from a proxy)
is a clear BadResponse, never a crash. The rule for a money-moving request (one that carries a
transaction id): a clear refusal (a JSON 4xx, or a body whose status is FAILED) is a typed
error; anything that may hide a committed request (5xx, a body that is not JSON, a dropped
connection, a timeout after sending) is UnknownOutcome. Logs carry the method, path, status
and time, never a header or a body, and pass through a redacting filter as a safety net.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import httpx
import stamina

from kiosk.api.errors import (
    ApiError,
    AuthError,
    BadResponse,
    Unavailable,
    UnknownOutcome,
    error_for_status,
)

_SECRET_PATTERNS = (
    (re.compile(r"(?i)\b(bearer)\s+\S+"), r"\1 ***"),
    (re.compile(r"\beyJ[\w-]*\.[\w-]+\.[\w-]+"), "***"),
    (
        re.compile(
            r"""(?i)(["']?(?:password|api_key|apikey|secret)["']?\s*[:=]\s*)(["']?)[^"',\s}]+"""
        ),
        r"\1\2***",
    ),
)


def redact(text: str) -> str:
    """The text with anything shaped like a bearer token, JWT or password value masked."""
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


log = logging.getLogger("kiosk.api")
log.addFilter(RedactingFilter())
# Library logging: silent unless the program configures a handler (a TUI must not be written
# over; the journal already records every unclear answer).
log.addHandler(logging.NullHandler())
# stamina logs each scheduled retry; a terminal app must not have them printed over its screen.
logging.getLogger("stamina").addHandler(logging.NullHandler())

# Safe reads only: money-moving calls never retry on their own. Transport errors arrive here
# already turned into Unavailable. Tests switch stamina to testing mode (no waits).
retry_safe_read = stamina.retry(
    on=(Unavailable, BadResponse),
    attempts=3,
    wait_initial=0.2,
    wait_max=2.0,
    timeout=30.0,
)

# Errors raised before a byte of the request left this machine.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


def log_exchange(
    service: str, method: str, path: str, status: int | str, ms: float, txid: str | None
) -> None:
    log.debug(
        "%s %s %s -> %s in %.0f ms%s",
        service,
        method,
        path,
        status,
        ms,
        f" (transaction {txid})" if txid else "",
    )


def decode(response: httpx.Response, service: str) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        kind = response.headers.get("content-type", "unknown content").split(";")[0]
        raise BadResponse(
            f"{service} answered HTTP {response.status_code} with {kind or 'no body'}, not JSON",
            status=response.status_code,
        ) from exc


def message_of(body: Any, default: str) -> str:
    if isinstance(body, dict):
        for key in ("message", "massage", "ResponseDescription", "ResultDesc"):
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                return redact(value.strip())
    return default


def transport_error(exc: httpx.HTTPError, service: str, transaction_id: str | None) -> ApiError:
    """A failed exchange: Unavailable when nothing reached the server; for a money-moving
    request that may have reached it, an unknown outcome."""
    if isinstance(exc, _NOT_SENT):
        return Unavailable(f"Cannot reach {service}: {type(exc).__name__}")
    if transaction_id is not None:
        log.warning(
            "%s: no answer for transaction %s (%s)", service, transaction_id, type(exc).__name__
        )
        return UnknownOutcome(
            f"No answer from {service} after the request was sent ({type(exc).__name__})",
            transaction_id=transaction_id,
        )
    return Unavailable(f"{service} did not answer ({type(exc).__name__})")


def refusal(body: Any) -> ApiError | None:
    """A body whose status is FAILED is a refusal even on HTTP 200; its `code` says which."""
    if not (isinstance(body, dict) and str(body.get("status", "")).upper() == "FAILED"):
        return None
    code = body.get("code")
    status = code if isinstance(code, int) and not isinstance(code, bool) and code >= 400 else 400
    return error_for_status(status, message_of(body, "The request failed"), body)


def checked(response: httpx.Response, service: str, transaction_id: str | None) -> Any:
    """The decoded body of a successful answer, or the typed error the answer stands for."""
    status = response.status_code
    try:
        body = decode(response, service)
    except BadResponse as exc:
        if status == 401:
            raise AuthError(f"{service} refused the credentials (HTTP 401)") from None
        if transaction_id is not None:
            log.warning("%s: unclear answer for transaction %s", service, transaction_id)
            raise UnknownOutcome(
                exc.message, transaction_id=transaction_id, status=status
            ) from None
        raise
    if 400 <= status < 500:
        raise error_for_status(status, message_of(body, f"{service}: HTTP {status}"), body)
    if not 200 <= status < 300:
        message = message_of(body, f"{service} failed with HTTP {status}")
        if transaction_id is not None:
            log.warning("%s: HTTP %s for transaction %s", service, status, transaction_id)
            raise UnknownOutcome(message, transaction_id=transaction_id, status=status)
        if status >= 500:
            raise Unavailable(message, status=status, payload=body)
        raise BadResponse(f"{service} answered HTTP {status}", status=status)
    refused = refusal(body)
    if refused is not None:
        raise refused
    return body
