"""Typed API errors. Each carries the server's own message so screens can show it as-is."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """Base of every error the API layer raises."""

    status: int | None = None
    hint = "Try again. If it keeps failing, call support."

    def __init__(
        self, message: str, *, status: int | None = None, payload: Any | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.payload = payload

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, message={self.message!r})"


class BadRequest(ApiError):
    status = 400
    hint = "Check the details entered and try again."


class AuthError(ApiError):
    status = 401
    hint = "Check the account credentials in the settings."


class Forbidden(ApiError):
    status = 403
    hint = "This account is not allowed to do that; ask the account owner."


class NotFound(ApiError):
    status = 404
    hint = "Check the number or code and try again."


class Unprocessable(ApiError):
    status = 422
    hint = "Check the details entered (amount, number, balance) and try again."


class Unavailable(ApiError):
    """5xx, refused connection, or a safe read that timed out: nothing was changed."""

    hint = "The service is unavailable. Wait a moment and try again."


class BadResponse(ApiError):
    """The server answered with something that is not the documented JSON (an HTML 502 page)."""

    hint = "The service answered with an unexpected page. Wait a moment and try again."


class UnknownOutcome(ApiError):
    """A money-moving request was sent and no clear answer came back.

    This is not a failure: the server may have committed it. The journal keeps the row as
    unknown until a look-up by transaction id settles it; a retry must reuse the same id.
    """

    hint = "Do not sell again. Reconcile looks the transaction up and settles it."

    def __init__(
        self,
        message: str,
        *,
        transaction_id: str | None = None,
        status: int | None = None,
        payload: Any | None = None,
    ) -> None:
        super().__init__(message, status=status, payload=payload)
        self.transaction_id = transaction_id


def error_for_status(status: int, message: str, payload: Any | None = None) -> ApiError:
    """Map an HTTP status (or a body `code`) to its typed error."""
    kinds: dict[int, type[ApiError]] = {
        400: BadRequest,
        401: AuthError,
        403: Forbidden,
        404: NotFound,
        422: Unprocessable,
    }
    if status in kinds:
        return kinds[status](message, status=status, payload=payload)
    if status >= 500:
        return Unavailable(message, status=status, payload=payload)
    return BadRequest(message, status=status, payload=payload)
