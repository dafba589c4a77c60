"""The core never imports Textual: checked in a fresh interpreter."""

import os
import subprocess
import sys
from pathlib import Path


def test_core_packages_do_not_import_textual() -> None:
    code = (
        "import sys, kiosk.api, kiosk.flows.engine, kiosk.flows.autopilot, kiosk.journal, "
        "kiosk.services; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'textual'); "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_engine_runs_without_httpx_loaded() -> None:
    code = (
        "import sys, kiosk.flows.engine, kiosk.flows.autopilot, kiosk.journal; "
        "print('httpx' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_engine_does_not_import_httpx_directly() -> None:
    import kiosk.flows

    for path in Path(kiosk.flows.__file__).parent.glob("*.py"):
        text = path.read_text()
        assert "import httpx" not in text and "from httpx" not in text, path.name
        assert "textual" not in text, path.name


def test_the_home_screen_starts_without_rarely_used_modules(tmp_path: Path) -> None:
    """Start-up cost: what only some screens or some sales need loads when they are used."""
    code = """
import asyncio, sys
from pathlib import Path
from kiosk.services import build_services
from kiosk.settings import Settings
from kiosk.tui.app import create_app

async def main():
    settings = Settings(data_dir=Path(sys.argv[1]))
    services = build_services(settings)
    async with create_app(settings, services).run_test(headless=True) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert pilot.app.screen.query("#groups"), "the catalog is on screen"
    await services.aclose()

asyncio.run(main())
late = ("qrcode", "phonenumbers", "pygments", "click", "uvicorn", "kiosk.tui.screens.office",
        "kiosk.tui.screens.sale", "kiosk.office.report")
print(",".join(m for m in late if m in sys.modules))
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env["KIOSK_CONFIG_DIR"] = str(tmp_path / "config")
    run = [sys.executable, "-c", code, str(tmp_path / "data")]
    out = subprocess.run(run, capture_output=True, text=True, check=True, env=env, timeout=60)
    assert out.stdout.strip() == ""
