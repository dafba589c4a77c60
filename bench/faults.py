"""Fault run: many sales across every family against the *served* sandbox on loopback, each
with a random injected fault, then a reconcile; counts duplicate charges, lost sales, crashes.

    .venv/bin/python bench/faults.py --sales 1000

Faults: 500/502/503, 401 (expired token), drop (after the server committed), timeout (an answer
later than the client waits), bad_body (truncated, not JSON), hangup (closed before anything was
done) and refuse (a real ECONNREFUSED: see `RefusedConnections`).

Targets: 0 duplicates (the sandbox ledger charged a transaction id twice, or charged one the
journal calls failed), 0 lost (a journal row not final after reconcile, or a charge the journal
does not know), 0 crashes (an exception escaped the engine).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import stamina

from kiosk.api.errors import ApiError
from kiosk.flows.autopilot import AnswerNeeded, run_unattended
from kiosk.flows.registry import StepFailed
from kiosk.journal import State
from kiosk.sandbox.app import Sandbox
from kiosk.sandbox.examples import EXAMPLE_SALES
from kiosk.sandbox.faults import Faults, RefusedConnections
from kiosk.sandbox.server import ServedSandbox
from kiosk.sandbox.ugmart import UgmartSandbox
from kiosk.services import build_services
from kiosk.settings import Settings

FAULTS = ("none", "500", "502", "503", "401", "drop", "timeout", "bad_body", "hangup", "refuse")
PATHS = ("/api/products/purchase", "/api/products/validate", "/api/transactions")
CLIENT_TIMEOUT = 0.5


@dataclass
class Report:
    sales: int = 0
    succeeded: int = 0
    refused: int = 0
    duplicates: int = 0
    lost: int = 0
    crashes: int = 0
    faults: collections.Counter[str] = field(default_factory=collections.Counter)
    hit: collections.Counter[str] = field(default_factory=collections.Counter)
    states_before: collections.Counter[str] = field(default_factory=collections.Counter)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        return [
            f"sales attempted   {self.sales}",
            f"sold              {self.succeeded}",
            f"refused (clean)   {self.refused}",
            f"faults queued     {dict(sorted(self.faults.items()))}",
            f"faults hit        {dict(sorted(self.hit.items()))}",
            f"before reconcile  {dict(sorted(self.states_before.items()))}",
            f"duplicate charges {self.duplicates}",
            f"lost sales        {self.lost}",
            f"crashes           {self.crashes}",
            f"wall time         {self.seconds:.1f} s",
        ]


async def fault_run(sales: int, seed: int, data_dir: Path) -> Report:
    rng = random.Random(seed)
    faults = Faults(in_process=False, slow_seconds=CLIENT_TIMEOUT + 0.5, seed=seed)
    sandbox = Sandbox(ugmart=UgmartSandbox(token_ttl=30.0), faults=faults)
    sandbox.ugmart.set_balance("15B0D8D8BE", "UGX", 10_000_000_000)
    report = Report()
    started = time.perf_counter()
    with ServedSandbox(sandbox) as served:
        settings = Settings(
            ugmart_url=served.ugmart_url,
            ums_url=served.ums_url,
            data_dir=data_dir,
            http_timeout=CLIENT_TIMEOUT,
            reconcile_grace=0,
        )
        services = build_services(settings, transport=RefusedConnections(faults))
        try:
            for number in range(sales):
                example = EXAMPLE_SALES[number % len(EXAMPLE_SALES)]
                kind = rng.choice(FAULTS)
                if kind != "none":
                    faults.push(kind, rng.choice(PATHS))
                report.faults[kind] += 1
                report.sales += 1
                try:
                    products = {p.code: p for p in await services.ugmart.products()}
                    run = services.new_sale(products[example.code])
                    result = await run_unattended(run, example.answers)
                except (AnswerNeeded, StepFailed, ApiError):
                    report.refused += 1
                    continue
                except Exception as exc:
                    report.crashes += 1
                    print(f"crash in {example.name}: {exc!r}", file=sys.stderr)
                    continue
                if result.outcome == "success":
                    report.succeeded += 1
            faults.clear()
            report.hit.update(kind for kind, _ in faults.injected)
            for entry in services.journal.entries(limit=sales * 2):
                report.states_before[entry.state.value] += 1
            await services.reconcile()
            journal = {e.transaction_id: e for e in services.journal.entries(limit=sales * 2)}
            charges = collections.Counter(
                p.request["transaction_id"] for p in sandbox.ugmart.purchases
            )
            report.duplicates = sum(count - 1 for count in charges.values() if count > 1)
            report.duplicates += sum(
                1 for txid in charges if txid in journal and journal[txid].state is State.FAILED
            )
            report.lost = sum(1 for e in journal.values() if not e.final)
            report.lost += sum(1 for txid in charges if txid not in journal)
        finally:
            await services.aclose()
    report.seconds = time.perf_counter() - started
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sales", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    # Retry waits (backoff) do not change outcomes; skip them so the run measures behaviour.
    stamina.set_testing(True, attempts=3)
    with tempfile.TemporaryDirectory() as tmp:
        report = asyncio.run(fault_run(args.sales, args.seed, Path(tmp)))
    print("\n".join(report.lines()))
    return 0 if report.duplicates == report.lost == report.crashes == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
