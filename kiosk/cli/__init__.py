"""`kiosk` command line. Each sub-command lives in its own module of this package.

A module exposes `register(subparsers)` that adds its parser(s) and sets `func` to a callable
taking the parsed arguments and returning the exit code. Modules load only when `kiosk` runs,
and the TUI only when no sub-command is given.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

COMMAND_MODULES = (
    "kiosk.cli.sandbox_cmd",
    "kiosk.cli.sales_cmd",
    "kiosk.cli.ums_cmd",
    "kiosk.cli.money_cmd",
    "kiosk.cli.office_cmd",
    "kiosk.cli.report_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Sell airtime, bundles, utilities, pay-TV and taxes (Ugmart); "
        "SMS, M-Pesa and hotspot vouchers (UMS). With no command, opens the app.",
    )
    parser.add_argument("--mode", choices=["counter", "kiosk", "backoffice"])
    parser.add_argument("--theme")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from kiosk.settings import config_file_problem

    problem = config_file_problem()
    if problem and os.environ.get("KIOSK_ALLOW_OPEN_CONFIG", "") not in ("1", "true", "yes"):
        print(f"kiosk: refusing to start: {problem}", file=sys.stderr)
        return 78
    if args.command is None:
        from kiosk.cli.app_cmd import run_app

        return run_app(args)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
