"""The home screen's Services area: screens other than product sales, registered by import path.

Each entry names a factory `module:callable` that takes the app and returns the screen to push.
Issues that add a screen append an entry here; an entry whose module is not there (yet) is not
shown, so the menu never offers a screen that cannot open. The engine's own service flows
(SMS, M-Pesa, vouchers, payments: `menu = true` specs) are listed from the flow specs, not here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.screen import Screen

ScreenFactory = Callable[[Any], "Screen[Any]"]


@dataclass(frozen=True)
class MenuEntry:
    key: str
    label: str
    factory: str
    operator_only: bool = False


MENU: list[MenuEntry] = []


def _load(path: str) -> ScreenFactory | None:
    module_name, _, attribute = path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        # Only the entry's own module being absent hides it; a broken import inside it is a bug.
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            return None
        raise
    factory = getattr(module, attribute, None)
    return factory if callable(factory) else None


def available(entries: list[MenuEntry] | None = None) -> list[tuple[MenuEntry, ScreenFactory]]:
    """The entries whose screen can be built, with their factories."""
    loaded = []
    for entry in MENU if entries is None else entries:
        factory = _load(entry.factory)
        if factory is not None:
            loaded.append((entry, factory))
    return loaded
