"""Request bodies as both fake servers read them: a JSON object, or a message saying why not."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request


async def json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object; ValueError with the documented-style message otherwise."""
    try:
        body = await request.json()
    except ValueError:
        raise ValueError("Malformed request: the body is not JSON") from None
    if not isinstance(body, dict):
        raise ValueError("Malformed request: the body must be a JSON object")
    return body
