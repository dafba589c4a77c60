"""`kiosk` with no sub-command: the Textual app."""

from __future__ import annotations

import argparse
import asyncio
import sys

from pydantic import ValidationError

from kiosk.settings import Settings, config_file_problem

EX_CONFIG = 78


def app_settings(args: argparse.Namespace) -> Settings:
    """Settings with the command line's --mode/--theme on top of environment and file."""
    overrides = {name: value for name in ("mode", "theme") if (value := getattr(args, name, None))}
    return Settings(**overrides)


def run_app(args: argparse.Namespace) -> int:
    try:
        settings = app_settings(args)
    except ValidationError as exc:
        print(f"kiosk: the configuration is not valid:\n{exc}", file=sys.stderr)
        return EX_CONFIG
    problem = config_file_problem()
    if problem and not settings.allow_open_config:
        print(f"kiosk: refusing to start: {problem}", file=sys.stderr)
        return EX_CONFIG
    return asyncio.run(_run(settings))


async def _run(settings: Settings) -> int:
    from kiosk.services import build_services
    from kiosk.tui.app import create_app

    services = build_services(settings)
    try:
        await create_app(settings, services).run_async()
    finally:
        await services.aclose()
    return 0
