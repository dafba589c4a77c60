"""Snapshots of the shell: home in every mode and theme at 80x24 and 120x40, office, PIN."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.sandbox.app import Sandbox
from kiosk.services import Services, build_services
from kiosk.settings import Settings
from kiosk.tui.app import KioskApp
from kiosk.tui.pin import hash_pin

SIZES = [(80, 24), (120, 40)]
LOOKS = [
    ("counter", None),
    ("counter", "kiosk"),
    ("counter", "office"),
    ("kiosk", None),
    ("backoffice", None),
]


class StillApp(KioskApp):
    INPUT_CURSOR_BLINK = False


@pytest.fixture
def build(tmp_path: Path) -> Iterator[Any]:
    made: list[Services] = []

    def make(**overrides: Any) -> StillApp:
        settings = Settings(data_dir=tmp_path, **overrides)
        services = build_services(settings, sandbox=Sandbox())
        counter = itertools.count(1)
        services.new_id = lambda: f"KSNAP{next(counter):06d}"
        made.append(services)
        return StillApp(settings, services)

    yield make
    for services in made:
        services.journal.close()


async def settled(pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("mode,theme", LOOKS, ids=lambda v: v or "default")
def test_first_screen(
    snap_compare: Any, build: Any, mode: str, theme: str | None, size: Any
) -> None:
    app = build(mode=mode, theme=theme)
    assert snap_compare(app, terminal_size=size, run_before=settled)


def test_filtered_home(snap_compare: Any, build: Any) -> None:
    async def search(pilot: Any) -> None:
        await settled(pilot)
        await pilot.press("slash", *"air")
        await pilot.pause()

    assert snap_compare(build(), terminal_size=(80, 24), run_before=search)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_pin_screen_after_a_wrong_pin(snap_compare: Any, build: Any, size: Any) -> None:
    async def wrong_pin(pilot: Any) -> None:
        await settled(pilot)
        await pilot.press("b", *"1111", "enter")
        await pilot.pause()

    app = build(mode="kiosk", operator_pin_hash=hash_pin("2468"))
    assert snap_compare(app, terminal_size=size, run_before=wrong_pin)
