"""API calls per sale: the HTTP requests each example sale makes against the in-process
sandbox, with a cold catalog cache (first sale of the day) and a warm one (every sale after).
The target for a warm sale is exactly 2: validate and purchase.

    .venv/bin/python bench/calls.py
"""

from __future__ import annotations

import asyncio
import tempfile
from collections import Counter
from pathlib import Path

import httpx

from kiosk.flows.autopilot import run_unattended
from kiosk.sandbox.app import Sandbox
from kiosk.sandbox.examples import EXAMPLE_SALES, ExampleSale
from kiosk.services import Services, build_services
from kiosk.settings import Settings


class CountingTransport(httpx.AsyncBaseTransport):
    """Passes requests on and counts them by path."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.paths: Counter[str] = Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths[request.url.path] += 1
        return await self.inner.handle_async_request(request)


def counted_services(data_dir: Path) -> tuple[Services, CountingTransport]:
    sandbox = Sandbox()
    counter = CountingTransport(sandbox.transport())
    sandbox.transport = lambda: counter  # type: ignore[method-assign]
    return build_services(Settings(data_dir=data_dir), sandbox=sandbox), counter


async def sale_calls(
    services: Services, counter: CountingTransport, sale: ExampleSale
) -> Counter[str]:
    counter.paths.clear()
    products = {p.code: p for p in await services.ugmart.products()}
    result = await run_unattended(services.new_sale(products[sale.code]), sale.answers)
    if result.outcome != "success":
        raise RuntimeError(f"{sale.name}: {result.message}")
    return Counter(counter.paths)


async def measure(data_dir: Path) -> list[tuple[str, int, int, list[str]]]:
    rows = []
    for sale in EXAMPLE_SALES:
        services, counter = counted_services(data_dir / sale.name.replace(" ", "_"))
        try:
            cold = await sale_calls(services, counter, sale)
            warm = await sale_calls(services, counter, sale)
        finally:
            await services.aclose()
        rows.append((sale.name, sum(cold.values()), sum(warm.values()), sorted(warm)))
    return rows


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        rows = asyncio.run(measure(Path(tmp)))
    print(f"{'sale':<36}{'cold':>6}{'warm':>6}  warm calls")
    for name, cold, warm, paths in rows:
        print(f"{name:<36}{cold:>6}{warm:>6}  {', '.join(p.rsplit('/api/', 1)[-1] for p in paths)}")
    return 0 if all(warm == 2 for _, _, warm, _ in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
