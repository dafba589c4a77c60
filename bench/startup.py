"""Start-up to the first interactive home screen (headless, catalog on screen, focus in it) and
peak memory, each as a ratio to a bare Textual app that mounts one widget, measured in fresh
processes, alternating, in the same run.

Two more processes give the floor: the bare app that first imports the libraries the kiosk
must load before it can show anything (pydantic-settings: its settings decide the mode and the
theme), and before it can show a catalog (+ httpx for the API, starlette for the embedded
sandbox). No kiosk code runs in them: their ratios are the least the kiosk could reach.

    .venv/bin/python bench/startup.py --rounds 7
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"time": 1.25, "memory": 1.5}


async def _bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("ready")

    async with Bare().run_test(headless=True, size=(100, 32)) as pilot:
        await pilot.pause()


async def _settings_floor() -> None:
    import pydantic_settings  # noqa: F401

    await _bare()


async def _catalog_floor() -> None:
    import httpx  # noqa: F401
    import pydantic_settings  # noqa: F401
    import starlette.applications  # noqa: F401

    import kiosk  # noqa: F401  (only its httpx start-up setting)

    await _bare()


async def _kiosk(data_dir: str) -> None:
    from kiosk.services import build_services
    from kiosk.settings import Settings
    from kiosk.tui.app import create_app

    settings = Settings(data_dir=Path(data_dir))
    services = build_services(settings)
    try:
        async with create_app(settings, services).run_test(headless=True, size=(100, 32)) as pilot:
            # Interactive: the catalog's groups are on screen and a product list has the focus
            # (the float balance in the header may still be on its way).
            while not pilot.app.screen.query("#groups") or pilot.app.focused is None:
                await pilot.pause(0.005)
            await pilot.pause()
    finally:
        await services.aclose()


def child(kind: str, data_dir: str) -> None:
    runs = {
        "bare": _bare,
        "settings-floor": _settings_floor,
        "catalog-floor": _catalog_floor,
        "kiosk": lambda: _kiosk(data_dir),
    }
    asyncio.run(runs[kind]())
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peak_kb": peak_kb}))


def run_child(kind: str, data_dir: str) -> tuple[float, int]:
    # An installed program starts from cached bytecode; a machine that sets
    # PYTHONDONTWRITEBYTECODE would have the kiosk compile its own modules on every start.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("KIOSK_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    env["KIOSK_CONFIG_DIR"] = str(Path(data_dir) / "config")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--data-dir", data_dir],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=120,  # a home that never becomes interactive fails the run, not hangs it
    )
    seconds = time.perf_counter() - started
    return seconds, json.loads(done.stdout.strip().splitlines()[-1])["peak_kb"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--child", choices=["bare", "settings-floor", "catalog-floor", "kiosk"])
    parser.add_argument("--data-dir", default="")
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.data_dir)
        return 0
    kinds = ("bare", "settings-floor", "catalog-floor", "kiosk")
    runs: dict[str, list[tuple[float, int]]] = {kind: [] for kind in kinds}
    with tempfile.TemporaryDirectory() as tmp:
        for kind in runs:  # untimed: writes the bytecode caches, as a first start would
            run_child(kind, tmp)
        for _ in range(args.rounds):
            for kind in runs:
                runs[kind].append(run_child(kind, tmp))
    seconds = {k: statistics.median(s for s, _ in v) for k, v in runs.items()}
    memory = {k: statistics.median(m for _, m in v) for k, v in runs.items()}
    time_ratio = seconds["kiosk"] / seconds["bare"]
    memory_ratio = memory["kiosk"] / memory["bare"]
    print(
        f"start-up to home: kiosk {seconds['kiosk']:.2f} s, bare Textual app "
        f"{seconds['bare']:.2f} s, ratio {time_ratio:.2f}x (target <= {TARGETS['time']}x)"
    )
    print(
        f"peak memory:      kiosk {memory['kiosk'] / 1024:.0f} MiB, bare Textual app "
        f"{memory['bare'] / 1024:.0f} MiB, ratio {memory_ratio:.2f}x "
        f"(target <= {TARGETS['memory']}x)"
    )
    floors = {
        "settings-floor": "bare app + pydantic-settings",
        "catalog-floor": "bare app + pydantic-settings, httpx, starlette",
    }
    for kind, label in floors.items():
        print(
            f"floor, {label}: {seconds[kind]:.2f} s ({seconds[kind] / seconds['bare']:.2f}x), "
            f"{memory[kind] / 1024:.0f} MiB ({memory[kind] / memory['bare']:.2f}x)"
        )
    print(f"median of {args.rounds} rounds each after a warm-up, fresh processes, alternating")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
