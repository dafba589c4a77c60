"""Ugmart's HTTP surface over the sandbox state: the document's paths, JWT checks and its
`{code, status, message, data}` envelopes. The rules live in `kiosk.sandbox.ugmart`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from kiosk.sandbox import seed
from kiosk.sandbox.bodies import json_object
from kiosk.sandbox.ugmart import Refused, UgmartSandbox

Handler = Callable[[Request], Awaitable[Any]]


def _visa_page(txid: str, outcome: str | None) -> str:
    if outcome:
        return f"<html><body><h1>Payment {txid}: {outcome}</h1></body></html>"
    links = " | ".join(f'<a href="?result={r}">{r}</a>' for r in ("SUCCESS", "FAILED", "CANCELLED"))
    return (
        f"<html><body><h1>Sandbox card payment {txid}</h1>"
        f"<p>Pick the payer's outcome: {links}</p></body></html>"
    )


def ugmart_app(state: UgmartSandbox) -> Starlette:
    async def body_of(request: Request) -> dict[str, Any]:
        try:
            return await json_object(request)
        except ValueError as exc:
            raise Refused(400, str(exc)) from None

    def endpoint(
        handler: Handler, *, auth: bool = True
    ) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            try:
                if auth:
                    state.check_token(request.headers.get("authorization"))
                result = await handler(request)
            except Refused as exc:
                return JSONResponse(exc.body(), status_code=exc.status)
            if isinstance(result, Response):
                return result
            return JSONResponse(result)

        return run

    def ok(data: Any, message: str = "Request completed successfully") -> dict[str, Any]:
        return {"code": 200, "status": "SUCCESS", "message": message, "data": data}

    async def login(request: Request) -> Any:
        return state.login(await body_of(request))

    async def providers(request: Request) -> Any:
        return ok(seed.PROVIDERS)

    async def collection(request: Request) -> Any:
        return state.collection(await body_of(request))

    async def payout(request: Request) -> Any:
        return state.payout(await body_of(request))

    async def validate_account(request: Request) -> Any:
        return state.validate_account(await body_of(request))

    async def request_payment(request: Request) -> Any:
        base = str(request.base_url).rstrip("/") + request.scope.get("root_path", "")
        return state.request_payment(await body_of(request), base)

    async def visa_page(request: Request) -> Any:
        txid = request.path_params["txid"]
        result = request.query_params.get("result")
        if not result:
            state.transaction(txid)
            return HTMLResponse(_visa_page(txid, None))
        url = state.settle_card(txid, result)
        return HTMLResponse(
            _visa_page(txid, result), background=BackgroundTask(state.call_back, url)
        )

    async def balance_all(request: Request) -> Any:
        return ok(state.balances())

    async def balance_one(request: Request) -> Any:
        return ok(state.balances(request.path_params["code"]))

    async def transactions(request: Request) -> Any:
        query = dict(request.query_params)
        if "id" in query:
            return ok(state.transaction(query["id"]))
        return state.list_transactions(query)

    async def send_sms(request: Request) -> Any:
        return state.send_sms(await body_of(request))

    async def products(request: Request) -> Any:
        code = request.query_params.get("code")
        return ok(
            state.products(code),
            "Request completed successfully." if code else "Request completed successfully",
        )

    async def choice_list(request: Request) -> Any:
        query = request.query_params
        return ok(
            state.choice_list(query.get("code", ""), query.get("type", "")),
            "Request completed successfully.",
        )

    async def secondary(request: Request) -> Any:
        query = request.query_params
        return ok(
            state.secondary_list(query.get("id", ""), query.get("primary", "")),
            "Request completed successfully.",
        )

    async def validate(request: Request) -> Any:
        return ok(state.validate(await body_of(request)), "Request completed successfully.")

    async def purchase(request: Request) -> Any:
        return state.purchase(await body_of(request))

    routes = [
        Route("/login", endpoint(login, auth=False), methods=["POST"]),
        Route("/payment-providers", endpoint(providers)),
        Route("/collection", endpoint(collection), methods=["POST"]),
        Route("/payout", endpoint(payout), methods=["POST"]),
        Route("/validate-account", endpoint(validate_account), methods=["POST"]),
        Route("/request-payment", endpoint(request_payment), methods=["POST"]),
        # The payer's browser opens this page: it carries no JWT.
        Route("/visa-payment/{txid}", endpoint(visa_page, auth=False)),
        Route("/balance", endpoint(balance_all)),
        Route("/balance/{code}", endpoint(balance_one)),
        Route("/transactions", endpoint(transactions)),
        Route("/send-sms", endpoint(send_sms), methods=["POST"]),
        Route("/products", endpoint(products)),
        Route("/products/choice-list", endpoint(choice_list)),
        Route("/products/secondary-price-list", endpoint(secondary)),
        Route("/products/validate", endpoint(validate), methods=["POST"]),
        Route("/products/purchase", endpoint(purchase), methods=["POST"]),
    ]
    return Starlette(routes=routes)
