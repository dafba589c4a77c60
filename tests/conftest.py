"""Shared fixtures: an in-process sandbox and services wired to it, in a temporary data dir."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import stamina

from kiosk.sandbox.app import Sandbox
from kiosk.services import Services, build_services
from kiosk.settings import Settings


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No developer's KIOSK_* variables or config file leak into a test."""
    import os

    for name in list(os.environ):
        if name.startswith("KIOSK_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("KIOSK_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture(autouse=True)
def fast_retries() -> Iterator[None]:
    """Safe reads still retry (3 attempts) but without waiting between them."""
    stamina.set_testing(True, attempts=3)
    yield
    stamina.set_testing(False)


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path)


@pytest.fixture
async def services(settings: Settings, sandbox: Sandbox) -> AsyncIterator[Services]:
    built = build_services(settings, sandbox=sandbox)
    counter = itertools.count(1)
    built.new_id = lambda: f"KTEST{next(counter):06d}"
    yield built
    await built.aclose()
