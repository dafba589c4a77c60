"""Faults and crashes against the served sandbox: never a double charge, never a lost sale.

The full runs are `bench/faults.py --sales 1000` and `bench/crash.py --runs 50`; CI runs a
sample of each here, plus one kill placed exactly between intent and outcome.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from kiosk.journal import State
from kiosk.sandbox.app import Sandbox
from kiosk.sandbox.faults import Faults
from kiosk.sandbox.server import ServedSandbox
from tests.bench_modules import bench


def test_fault_run_sample_has_no_duplicates_lost_sales_or_crashes(tmp_path: Path) -> None:
    faults = bench("faults")
    report = asyncio.run(faults.fault_run(100, seed=3, data_dir=tmp_path))
    assert report.sales == 100
    assert sum(report.faults.values()) == 100 and report.faults["none"] < 100
    assert report.duplicates == 0
    assert report.lost == 0
    assert report.crashes == 0
    assert report.succeeded > 0


def test_crash_run_sample_leaves_a_sound_journal(tmp_path: Path) -> None:
    report = bench("crash").crash_run(5, seed=5, data_dir=tmp_path)
    assert report.duplicates == 0
    assert report.lost == 0
    assert report.integrity == "ok"


def pending_row(journal: Path, deadline: float) -> str:
    while time.monotonic() < deadline:
        if journal.exists():
            try:
                with sqlite3.connect(journal) as db:
                    row = db.execute(
                        "SELECT transaction_id FROM entries WHERE state = 'pending'"
                    ).fetchone()
            except sqlite3.OperationalError:
                row = None
            if row:
                return row[0]
        time.sleep(0.02)
    pytest.fail("the sale never reached its intent")


def test_kill_between_intent_and_outcome_then_reconcile_charges_once(tmp_path: Path) -> None:
    crash = bench("crash")
    sandbox = Sandbox(faults=Faults(in_process=False, latency=0.8))
    with ServedSandbox(sandbox) as served:
        process = subprocess.Popen(
            crash.buy_command("MTN", {"msisdn": "0777044237", "amount": "1000"}),
            env=crash.kiosk_env(served, tmp_path),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        txid = pending_row(crash.journal_file(tmp_path), time.monotonic() + 30)
        # The request leaves right after the intent; the server holds it for its latency.
        time.sleep(0.3)
        process.send_signal(signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + 10
        while sandbox.ugmart.charges_for(txid) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        asyncio.run(crash.settle(served, tmp_path))
        with sqlite3.connect(crash.journal_file(tmp_path)) as db:
            state = db.execute(
                "SELECT state FROM entries WHERE transaction_id = ?", (txid,)
            ).fetchone()
    assert state == (State.SUCCESS.value,)
    assert sandbox.ugmart.charges_for(txid) == 1
