"""`kiosk set-pin`: the operator PIN that guards back office, payouts and quitting in kiosk mode."""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
from pathlib import Path

from kiosk.settings import config_file
from kiosk.tui.pin import hash_pin

_KEY_LINE = re.compile(r"^\s*operator_pin_hash\s*=")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "set-pin", help="set the operator PIN (stored hashed in the config file, mode 600)"
    )
    parser.set_defaults(func=_set_pin)


def write_pin_hash(path: Path, pin_hash: str) -> None:
    """Set `operator_pin_hash` in the TOML config, keeping every other line as it was.

    Written to a private temporary file first and moved into place, so the file is never
    readable by others, not even for a moment, and never left half-written.
    """
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    setting = f'operator_pin_hash = "{pin_hash}"'
    # Top-level keys must come before the first [table] header.
    top_end = next((i for i, line in enumerate(lines) if line.lstrip().startswith("[")), None)
    top = lines if top_end is None else lines[:top_end]
    found = [i for i, line in enumerate(top) if _KEY_LINE.match(line)]
    if found:
        lines[found[0]] = setting
        for i in reversed(found[1:]):
            del lines[i]
    else:
        lines.insert(len(top), setting)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _set_pin(args: argparse.Namespace) -> int:
    pin = getpass.getpass("New operator PIN (4-12 digits): ")
    if getpass.getpass("Again: ") != pin:
        print("kiosk: the two PINs differ; nothing changed.", file=sys.stderr)
        return 1
    try:
        pin_hash = hash_pin(pin)
    except ValueError as exc:
        print(f"kiosk: {exc}; nothing changed.", file=sys.stderr)
        return 1
    path = config_file()
    write_pin_hash(path, pin_hash)
    print(f"Operator PIN set in {path}.")
    return 0
