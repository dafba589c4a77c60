"""Crash run: `kiosk buy` processes killed with SIGKILL at random points of a sale, against the
served sandbox; then one reconcile. Counts duplicate charges and lost sales, and checks the
journal file's integrity.

    .venv/bin/python bench/crash.py --runs 50
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from kiosk.journal import State
from kiosk.sandbox.app import Sandbox
from kiosk.sandbox.examples import EXAMPLE_SALES
from kiosk.sandbox.faults import Faults
from kiosk.sandbox.server import ServedSandbox
from kiosk.services import build_services
from kiosk.settings import Settings


@dataclass
class CrashReport:
    runs: int
    killed: int
    duplicates: int
    lost: int
    integrity: str
    states: dict[str, int]

    def lines(self) -> list[str]:
        return [
            f"runs              {self.runs}",
            f"killed mid-sale   {self.killed}",
            f"after reconcile   {self.states}",
            f"duplicate charges {self.duplicates}",
            f"lost sales        {self.lost}",
            f"integrity_check   {self.integrity}",
        ]


def buy_command(code: str, answers: dict[str, str]) -> list[str]:
    args = [sys.executable, "-m", "kiosk", "buy", code, "--yes", "--json"]
    for name, value in answers.items():
        flag = {"msisdn": "--account", "amount": "--amount", "contact_phone": "--contact"}.get(name)
        args += [flag, value] if flag else ["--pick", f"{name}={value}"]
    return args


def kiosk_env(served: ServedSandbox, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(
        KIOSK_UGMART_URL=served.ugmart_url,
        KIOSK_UMS_URL=served.ums_url,
        KIOSK_DATA_DIR=str(data_dir),
        KIOSK_CONFIG_DIR=str(data_dir / "config"),
    )
    return env


def journal_file(data_dir: Path) -> Path:
    return Settings(data_dir=data_dir).journal_path


async def settle(served: ServedSandbox, data_dir: Path) -> None:
    settings = Settings(
        ugmart_url=served.ugmart_url, ums_url=served.ums_url, data_dir=data_dir, reconcile_grace=0
    )
    services = build_services(settings)
    try:
        await services.reconcile()
    finally:
        await services.aclose()


def count(sandbox: Sandbox, data_dir: Path) -> tuple[int, int, dict[str, int]]:
    with sqlite3.connect(journal_file(data_dir)) as db:
        rows = dict(db.execute("SELECT transaction_id, state FROM entries").fetchall())
    charges = collections.Counter(p.request["transaction_id"] for p in sandbox.ugmart.purchases)
    duplicates = sum(n - 1 for n in charges.values() if n > 1)
    duplicates += sum(1 for txid in charges if rows.get(txid) == State.FAILED.value)
    lost = sum(1 for state in rows.values() if state not in ("success", "failed", "refunded"))
    lost += sum(1 for txid in charges if txid not in rows)
    return duplicates, lost, dict(collections.Counter(rows.values()))


def crash_run(runs: int, seed: int, data_dir: Path, latency: float = 0.15) -> CrashReport:
    rng = random.Random(seed)
    sandbox = Sandbox(faults=Faults(in_process=False, latency=latency))
    killed = 0
    with ServedSandbox(sandbox) as served:
        env = kiosk_env(served, data_dir)
        # One sale left to finish tells how long a sale takes; kills land across that span.
        started = time.perf_counter()
        subprocess.run(
            buy_command(EXAMPLE_SALES[0].code, EXAMPLE_SALES[0].answers),
            env=env,
            capture_output=True,
            check=False,
        )
        span = time.perf_counter() - started
        for number in range(runs):
            example = EXAMPLE_SALES[number % len(EXAMPLE_SALES)]
            process = subprocess.Popen(
                buy_command(example.code, example.answers),
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                stdin=subprocess.DEVNULL,
            )
            time.sleep(rng.uniform(0.6, 1.05) * span)
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                killed += 1
            process.wait()
        asyncio.run(settle(served, data_dir))
        with sqlite3.connect(journal_file(data_dir)) as db:
            integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        duplicates, lost, states = count(sandbox, data_dir)
    return CrashReport(runs, killed, duplicates, lost, integrity, states)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        report = crash_run(args.runs, args.seed, Path(tmp))
    print("\n".join(report.lines()))
    ok = report.duplicates == report.lost == 0 and report.integrity == "ok"
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
