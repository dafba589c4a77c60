"""No secret — password, api key, JWT — in logs, reprs, the journal, receipts or exports."""

from __future__ import annotations

import html
import logging
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from pydantic import SecretStr

from kiosk.flows.autopilot import run_unattended
from kiosk.office.export import export_csv
from kiosk.office.report import build_report, day_bounds
from kiosk.sandbox.app import Sandbox
from kiosk.sandbox.ugmart import UgmartSandbox
from kiosk.sandbox.ums import UmsSandbox
from kiosk.services import Services, build_services
from kiosk.settings import (
    SANDBOX_UGMART_ACCOUNT,
    SANDBOX_UMS_ACCOUNT_ID,
    SANDBOX_UMS_STATION_ID,
    Settings,
)
from tests.test_tui_snapshots_sale import answer, make_app, settle, start

JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")
# Credentials no document, fixture or screen text could hold by chance.
PASSWORD = "Qx7-hunter2-Counter!"
API_KEY = "c2VjcmV0LWtpb3NrLWtleS05OTg4"


def leaks(text: str) -> list[str]:
    return [s for s in (PASSWORD, API_KEY) if s in text] + JWT.findall(text)


def screen_text(svg: str) -> str:
    """A screenshot's text: the SVG splits a line into styled spans and escapes characters."""
    return html.unescape(re.sub(r"<[^>]+>", "", svg))


@pytest.fixture
async def configured(tmp_path: Path) -> AsyncIterator[tuple[Services, Sandbox]]:
    """A configured (not sandbox-default) kiosk whose server is the sandbox, on our secrets."""
    sandbox = Sandbox(
        ugmart=UgmartSandbox(email="owner@shop.example", password=PASSWORD),
        ums=UmsSandbox(api_key=API_KEY, email="owner@shop.example"),
    )
    settings = Settings(
        data_dir=tmp_path / "data",
        ugmart_email="owner@shop.example",
        ugmart_password=SecretStr(PASSWORD),
        ugmart_account=SANDBOX_UGMART_ACCOUNT,
        ums_api_key=SecretStr(API_KEY),
        ums_email="owner@shop.example",
        ums_account_id=SANDBOX_UMS_ACCOUNT_ID,
        ums_station_id=SANDBOX_UMS_STATION_ID,
    )
    services = build_services(settings, sandbox=sandbox)
    yield services, sandbox
    await services.aclose()


async def screenshots(services: Services) -> dict[str, str]:
    """Every screen a sale and the back office show, as a person would see them."""
    shots: dict[str, str] = {}
    async with make_app(services, "backoffice").run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        shots["office"] = pilot.app.export_screenshot()
        await pilot.press("p")
        await settle(pilot)
        shots["reprint"] = pilot.app.export_screenshot()
        await pilot.press("escape", "t")
        await settle(pilot)
        shots["server transactions"] = pilot.app.export_screenshot()
        await pilot.press("escape", "escape")
        await settle(pilot)
        shots["home"] = pilot.app.export_screenshot()
        await start(pilot, "MTN")
        await answer(pilot, "0777044237", "500")
        shots["confirm"] = pilot.app.export_screenshot()
        await answer(pilot, "")
        shots["receipt"] = pilot.app.export_screenshot()
    return {name: screen_text(svg) for name, svg in shots.items()}


async def test_sales_leave_no_secret_anywhere(
    configured: tuple[Services, Sandbox], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    services, sandbox = configured
    # The sandbox accepts only these credentials, so every call below carried them.
    assert not services.settings.sandbox
    caplog.set_level(logging.DEBUG)
    products = {p.code: p for p in await services.ugmart.products()}
    sandbox.faults.push("401", "/api/products/validate")
    result = await run_unattended(
        services.new_sale(products["UMEME"]),
        {"msisdn": "04230640783", "contact_phone": "0777044237", "amount": "2000"},
    )
    assert result.outcome == "success", result
    ums = next(p for p in services.service_products() if p.code == "UMS.SMS")
    sms = await run_unattended(
        services.new_sale(ums), {"recipients": "0798765432", "message": "Hi"}
    )
    assert sms.outcome == "success", sms
    export = tmp_path / "export.csv"
    since, until = day_bounds(date.today())
    export_csv(services.journal, since, until, export, full=True)
    shots = await screenshots(services)
    journal_bytes = b"".join(p.read_bytes() for p in services.settings.data_dir.glob("journal*"))
    places = {
        "logs": caplog.text,
        "reprs": repr(services.ugmart) + repr(services.ums) + repr(services.settings),
        "journal file": journal_bytes.decode("utf-8", "replace"),
        "receipt": repr(result),
        "export": export.read_text(),
        "report": build_report(services.journal, date.today()).to_csv(),
        **{f"screenshot of {name}": text for name, text in shots.items()},
    }
    for place, text in places.items():
        assert leaks(text) == [], place
    assert "04230640783" in places["export"]
    assert "0777044237" in shots["confirm"], "the screenshot text is what the screen shows"


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
