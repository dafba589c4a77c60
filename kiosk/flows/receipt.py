"""Receipts: the result view of a sale, rebuilt the same way from a fresh outcome or the journal."""

from __future__ import annotations

from typing import Any

from kiosk.api.catalog_models import Product
from kiosk.flows.checkout import SaleOutcome
from kiosk.flows.spec import FlowSpec, ReceiptSpec, service_flows, spec_for
from kiosk.flows.views import ResultView
from kiosk.journal import Entry, State

_OUTCOMES = {
    State.SUCCESS: "success",
    State.FAILED: "failed",
    State.UNKNOWN: "unknown",
    State.PENDING: "unknown",
    State.INCOMPLETE: "pending",
}

_HINTS = {
    "success": "",
    "failed": "Nothing was charged. Press Escape to change the details and try again.",
    "unknown": "Do NOT sell again. Press R to check with the server; the same transaction id "
    "is reused, so it can never be charged twice.",
    "pending": "The provider is still processing it. Press R to check again later.",
}


def group_digits(value: str, size: int = 4) -> str:
    digits = "".join(value.split())
    return " ".join(digits[i : i + size] for i in range(0, len(digits), size))


def humanise(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{value:,.0f}"
    if isinstance(value, int | float):
        return f"{value:,}"
    return str(value)


def receipt_view(
    step_id: str, title: str, entry: Entry, receipt: ReceiptSpec, message: str = ""
) -> ResultView:
    """The receipt of a journal entry: what the customer takes away, or why there is none."""
    outcome = _OUTCOMES.get(entry.state, "unknown")
    response = entry.response or {}
    data = response.get("data", response) if isinstance(response, dict) else {}
    details: dict[str, Any] = data.get("details") or {}
    lines = [
        ("Transaction", entry.transaction_id),
        ("Date", entry.created_at.astimezone().strftime("%Y-%m-%d %H:%M")),
        ("Product", entry.product_name or entry.product_code),
        ("Account", entry.account),
        ("Amount", f"{entry.amount:,} {entry.currency}"),
    ]
    if entry.tariff_charge:
        lines.append(("Tariff charge", f"{entry.tariff_charge:,.0f} {entry.currency}"))
    if data.get("provider_transaction_id"):
        lines.append(("Provider reference", str(data["provider_transaction_id"])))
    if data.get("memo"):
        lines.append(("Memo", str(data["memo"])))
    highlight = []
    for key in receipt.highlight:
        if details.get(key) not in (None, ""):
            text = _text(details[key])
            highlight.append(
                (humanise(key), group_digits(text) if key in receipt.group_digits else text)
            )
    for key, value in details.items():
        if key not in receipt.highlight and value not in (None, ""):
            lines.append((humanise(key), _text(value)))
    qr = next((str(details[key]) for key in receipt.qr if details.get(key)), None)
    if outcome == "success" and qr is None:
        qr = entry.transaction_id
    return ResultView(
        step_id=step_id,
        title=title,
        outcome=outcome,
        message=message or entry.message,
        transaction_id=entry.transaction_id,
        lines=tuple(lines),
        highlight=tuple(highlight),
        qr=qr if outcome == "success" else None,
        hint=_HINTS[outcome],
        can_retry=outcome in ("unknown", "pending"),
        currency=entry.currency,
    )


def result_view(step_id: str, spec: FlowSpec, outcome: SaleOutcome) -> ResultView:
    message = outcome.message
    if outcome.error is not None and outcome.state is not State.UNKNOWN:
        message = f"{outcome.error.message} — {outcome.error.hint}"
    return receipt_view(step_id, spec.title, outcome.entry, spec.receipt, message)


def reprint_view(entry: Entry, specs: tuple[FlowSpec, ...]) -> ResultView:
    """The receipt of a journal row, laid out by the flow that sold it."""
    by_code = {product.code: spec for spec, product in service_flows(specs)}
    product = Product(
        name=entry.product_name or entry.product_code,
        code=entry.product_code,
        type=entry.product_type or "OTHERS",
    )
    spec = by_code.get(entry.product_code) or spec_for(product, specs)
    return receipt_view("reprint", spec.title, entry, spec.receipt)
