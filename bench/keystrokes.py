"""Keystrokes from home to a confirmed sale, counted by driving the app with Pilot against the
in-process sandbox: navigation keys (hotkeys, arrows, Enter) apart from characters typed.
Also the screen-step latency: the median time from a key press to the next step rendered.

    .venv/bin/python bench/keystrokes.py
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.sandbox.app import Sandbox
from kiosk.sandbox.examples import EXAMPLE_SALES, ExampleSale
from kiosk.services import build_services
from kiosk.settings import Settings
from kiosk.tui.app import create_app
from kiosk.tui.screens.home import group_of, group_products
from kiosk.tui.screens.sale import SaleScreen
from kiosk.tui.widgets.choose_step import ChooseStep
from kiosk.tui.widgets.confirm_step import ConfirmStep
from kiosk.tui.widgets.enter_step import EnterStep
from kiosk.tui.widgets.result_step import ResultStep

MEASURED = (
    "MTN airtime",
    "Data bundle",
    "UMEME",
    "GOtv bouquet + period",
    "DStv bouquet + secondary + period",
)


@dataclass
class Count:
    sale: str
    navigation: int = 0
    typed: int = 0
    outcome: str = ""
    step_seconds: list[float] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.navigation + self.typed


async def _idle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _press(pilot: Pilot[Any], count: Count, *keys: str, typed: bool = False) -> None:
    """Press keys; the last one moves the sale a step, and how long that one key takes to the
    next step on screen is recorded (the keys typed before it are not timed)."""
    before = _step(pilot)
    if keys[:-1]:
        await pilot.press(*keys[:-1])
        await _idle(pilot)
    started = time.perf_counter()
    await pilot.press(keys[-1])
    await _idle(pilot)
    if _step(pilot) is not before:
        count.step_seconds.append(time.perf_counter() - started)
    if typed:
        count.typed += len(keys) - 1
        count.navigation += 1
    else:
        count.navigation += len(keys)


def _step(pilot: Pilot[Any]) -> Any:
    screen = pilot.app.screen
    return screen._step if isinstance(screen, SaleScreen) else screen


async def drive(pilot: Pilot[Any], sale: ExampleSale) -> Count:
    count = Count(sale.name)
    services = pilot.app.services  # type: ignore[attr-defined]
    await _idle(pilot)
    products = await services.ugmart.products()
    product = next(p for p in products if p.code == sale.code)
    group = group_of(product)
    in_group = dict((g.id, items) for g, items in group_products(products))[group.id]
    arrows = ["down"] * [p.code for p in in_group].index(product.code)
    await _press(pilot, count, group.key, *arrows, "enter")
    for _ in range(30):
        step = _step(pilot)
        view = getattr(step, "view", None)
        if isinstance(step, ResultStep):
            count.outcome = view.outcome if view is not None else "?"
            return count
        if isinstance(step, ChooseStep):
            values = [option.value for option in view.options]
            moves = values.index(sale.answers[view.step_id])
            await _press(pilot, count, *(["down"] * moves), "enter")
        elif isinstance(step, EnterStep):
            answer = sale.answers.get(view.step_id, "")
            text = "" if answer in ("", view.value) else answer
            await _press(pilot, count, *text, "enter", typed=True)
        elif isinstance(step, ConfirmStep):
            await _press(pilot, count, "enter")
        else:
            raise RuntimeError(f"{sale.name}: no step to answer on {step!r}")
    raise RuntimeError(f"{sale.name}: did not finish")


async def measure(data_dir: Path, names: tuple[str, ...] = MEASURED) -> list[Count]:
    counts = []
    for sale in (s for s in EXAMPLE_SALES if s.name in names):
        settings = Settings(data_dir=data_dir / sale.name.replace(" ", "_"))
        services = build_services(settings, sandbox=Sandbox())
        app = create_app(settings, services)
        try:
            async with app.run_test(size=(100, 32)) as pilot:
                counts.append(await drive(pilot, sale))
        finally:
            await services.aclose()
    return counts


class BareSteps(App[None]):
    """The baseline: a bare Textual app whose Enter swaps one input for the next."""

    def compose(self) -> ComposeResult:
        yield Input(id="step-0")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        number = int(event.input.id.split("-")[1]) + 1
        event.input.remove()
        new = Input(id=f"step-{number}")
        self.mount(new)
        new.focus()


async def baseline_step_seconds(steps: int = 29) -> list[float]:
    app = BareSteps()
    seconds = []
    async with app.run_test(size=(100, 32)) as pilot:
        for _ in range(steps):
            before = app.query_one(Input)
            await pilot.press("1")
            await _idle(pilot)
            started = time.perf_counter()
            await pilot.press("enter")
            await _idle(pilot)
            assert app.query_one(Input) is not before
            seconds.append(time.perf_counter() - started)
    return seconds


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        counts = asyncio.run(measure(Path(tmp)))
        bare = statistics.median(asyncio.run(baseline_step_seconds()))
    print(f"{'sale (from home)':<36}{'nav':>5}{'typed':>7}{'total':>7}  result")
    for c in counts:
        print(f"{c.sale:<36}{c.navigation:>5}{c.typed:>7}{c.total:>7}  {c.outcome}")
    steps = statistics.median([s for c in counts for s in c.step_seconds])
    print(
        "screen-step latency (key press to the next step rendered, zero-latency sandbox): "
        f"median {steps * 1000:.0f} ms; a bare Textual app swapping one input: "
        f"{bare * 1000:.0f} ms; ratio {steps / bare:.2f}x"
    )
    return 0 if all(c.outcome == "success" for c in counts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
