"""The float: the UGX balance of the collection account every sale is paid from."""

from __future__ import annotations

from dataclasses import dataclass

from textual.widgets import Static


@dataclass(frozen=True)
class FloatState:
    amount: float | None = None
    currency: str = "UGX"
    error: str | None = None
    loading: bool = False


def money(amount: float, currency: str = "UGX") -> str:
    return f"{amount:,.0f} {currency}"


class FloatBalance(Static):
    """Shows the app's `float_state`; turns the warning colour below the low-float threshold."""

    DEFAULT_CSS = """
    FloatBalance {
        width: auto;
        padding: 0 1;
        color: $float-ok;
        text-style: bold;
        &.-low { color: $float-low; background: $float-low 15%; }
        &.-unknown { color: $text-muted; text-style: none; }
    }
    """

    def __init__(self, threshold: int, *, id: str | None = None) -> None:
        super().__init__("Float …", id=id)
        self.threshold = threshold

    def on_mount(self) -> None:
        self.watch(self.app, "float_state", self.show_state)

    def show_state(self, state: FloatState) -> None:
        low = state.amount is not None and state.amount < self.threshold
        self.set_class(low, "-low")
        self.set_class(state.amount is None, "-unknown")
        if state.amount is None:
            text = "Float: checking…" if state.loading else f"Float: {state.error or 'unknown'}"
        else:
            text = f"Float {money(state.amount, state.currency)}"
            if low:
                text += "  LOW"
        self.update(text)
        self.tooltip = state.error
