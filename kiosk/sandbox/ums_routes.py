"""UMS's HTTP surface over the sandbox state: every endpoint is a POST with the credentials in
the body, and errors come back in each endpoint's own answer shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kiosk.sandbox.bodies import json_object
from kiosk.sandbox.ums import Refused, UmsSandbox

Handler = Callable[[dict[str, Any]], dict[str, Any]]


def ums_app(state: UmsSandbox) -> Starlette:
    def endpoint(handler: Handler, *, code_key: str) -> Callable[[Request], Any]:
        """Errors come in the shape of the endpoint's own answer: `success`+`massage` for the
        SMS and push endpoints, `ResultCode`+`message` for the others."""
        message_key = "massage" if code_key == "success" else "message"

        async def run(request: Request) -> Response:
            try:
                try:
                    body = await json_object(request)
                except ValueError as exc:
                    raise Refused(400, str(exc)) from None
                state.check(body)
                state.tick()
                return JSONResponse(handler(body))
            except Refused as exc:
                error = {code_key: str(exc.status), message_key: exc.message}
                return JSONResponse(error, status_code=exc.status)

        return run

    routes = [
        ("/sms", state.send_sms, "success"),
        ("/smsbalance", state.balance, "success"),
        ("/smsdelivery", state.delivery, "ResultCode"),
        ("/intiatestk", state.initiate_stk, "success"),
        ("/transactionstatus", state.status, "ResultCode"),
        ("/isp/hostspotplans", state.plans, "ResultCode"),
        ("/isp/registervoucher", state.register_voucher, "ResultCode"),
    ]
    return Starlette(
        routes=[
            Route(path, endpoint(handler, code_key=key), methods=["POST"])
            for path, handler, key in routes
        ]
    )
