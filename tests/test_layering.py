"""The core never imports Textual: checked in a fresh interpreter."""

import subprocess
import sys


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
    from pathlib import Path

    import kiosk.flows

    for path in Path(kiosk.flows.__file__).parent.glob("*.py"):
        text = path.read_text()
        assert "import httpx" not in text and "from httpx" not in text, path.name
        assert "textual" not in text, path.name
