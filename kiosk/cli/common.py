"""What the flow sub-commands share: services for one command, output, and service flows."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
from collections.abc import Awaitable, Callable
from typing import Any

from kiosk.api.errors import ApiError
from kiosk.flows.autopilot import AnswerNeeded
from kiosk.flows.engine import FlowRun
from kiosk.flows.views import ResultView
from kiosk.services import Services, build_services
from kiosk.settings import Settings

Command = Callable[[Services, argparse.Namespace], Awaitable[int]]


def run_command(args: argparse.Namespace, command: Command) -> int:
    """Services for one command; a refused answer or API error printed, never a traceback."""

    async def main() -> int:
        services = build_services(Settings())
        try:
            return await command(services, args)
        except AnswerNeeded as exc:
            emit(
                args,
                {
                    "status": "error",
                    "step": exc.step_id,
                    "message": exc.message,
                    "choices": list(exc.choices),
                },
            )
            return 2
        except ApiError as exc:
            emit(args, {"status": "error", "message": f"{exc.message} — {exc.hint}"})
            return 1
        finally:
            await services.aclose()

    return asyncio.run(main())


def emit(args: argparse.Namespace, data: dict[str, Any]) -> None:
    if getattr(args, "json", False):
        print(json.dumps(data))
        return
    for key, value in data.items():
        if value not in (None, [], ""):
            print(f"{key}: {value}")


def service_run(services: Services, code: str, **config: Any) -> FlowRun:
    """A run of a services-menu flow (UMS, payments), with flow settings overridden."""
    product = next(p for p in services.service_products() if p.code == code)
    run = services.new_sale(product)
    if config:
        run.config = dataclasses.replace(run.config, **config)
    return run


def emit_result(args: argparse.Namespace, result: ResultView) -> int:
    data: dict[str, Any] = {
        "status": result.outcome,
        "transaction_id": result.transaction_id,
        "message": result.message,
    }
    data.update({label.lower().replace(" ", "_"): value for label, value in result.highlight})
    emit(args, data)
    return 0 if result.outcome == "success" else 1
