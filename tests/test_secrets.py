"""No secret — password, api key, JWT — in logs, reprs, the journal, receipts or exports."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from kiosk.flows.autopilot import run_unattended
from kiosk.office.export import export_csv
from kiosk.office.report import build_report, day_bounds
from kiosk.sandbox.app import Sandbox
from kiosk.services import Services
from kiosk.settings import SANDBOX_UMS_API_KEY

JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")


def leaks(text: str) -> list[str]:
    found = [s for s in (SANDBOX_UMS_API_KEY,) if s in text]
    found += JWT.findall(text)
    found += re.findall(r'"password"\s*:\s*"(?!\[redacted\])[^"]+"', text)
    return found


async def test_sales_leave_no_secret_anywhere(
    services: Services, sandbox: Sandbox, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    products = {p.code: p for p in await services.ugmart.products()}
    sandbox.faults.push("401", "/api/products/validate")
    result = await run_unattended(
        services.new_sale(products["UMEME"]),
        {"msisdn": "04230640783", "contact_phone": "0777044237", "amount": "2000"},
    )
    ums = next(p for p in services.service_products() if p.code == "UMS.SMS")
    await run_unattended(services.new_sale(ums), {"recipients": "0798765432", "message": "Hi"})
    export = tmp_path / "export.csv"
    since, until = day_bounds(date.today())
    export_csv(services.journal, since, until, export, full=True)
    journal_bytes = b"".join(p.read_bytes() for p in services.settings.data_dir.glob("journal*"))
    places = {
        "logs": caplog.text,
        "reprs": repr(services.ugmart) + repr(services.ums) + repr(services.settings),
        "journal file": journal_bytes.decode("utf-8", "replace"),
        "receipt": repr(result),
        "export": export.read_text(),
        "report": build_report(services.journal, date.today()).to_csv(),
    }
    for place, text in places.items():
        assert leaks(text) == [], place
    assert "04230640783" in places["export"]


def test_a_config_file_others_can_read_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text('ugmart_password = "hunter2"\n')
    (config / "config.toml").chmod(0o644)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(KIOSK_CONFIG_DIR=str(config), KIOSK_DATA_DIR=str(tmp_path / "data"))
    run = [sys.executable, "-m", "kiosk", "catalog"]
    refused = subprocess.run(run, env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 78
    assert "chmod 600" in refused.stderr and "hunter2" not in refused.stderr
    (config / "config.toml").chmod(0o600)
    allowed = subprocess.run(run, env=env, capture_output=True, text=True, timeout=60)
    assert "refusing" not in allowed.stderr
