"""Ugmart's sources and operations: price lists, choice lists, validate and purchase."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.api.catalog_models import ProductValidateRequest
from kiosk.api.errors import ApiError
from kiosk.flows.registry import OPERATIONS, RETRIES, SOURCES, StepFailed, error_text
from kiosk.flows.views import Option
from kiosk.journal import State

if TYPE_CHECKING:
    from kiosk.flows.engine import FlowRun
    from kiosk.flows.spec import StepSpec


async def _price_list(run: FlowRun, step: StepSpec) -> list[Option]:
    items = await run.ops.price_list(run.product.code)
    return [Option(item.code, item.name or item.code, item.price) for item in items]


async def _choice_list(run: FlowRun, step: StepSpec) -> list[Option]:
    choices = await run.ops.choice_list(run.product.code, step.list_type)
    return [Option(choice.id, choice.label, None, choice.description) for choice in choices]


async def _secondary_price_list(run: FlowRun, step: StepSpec) -> list[Option]:
    list_id = step.resolve_list_id(run.active_values())
    if list_id is None:
        raise StepFailed(f"No list id for {step.id!r} in flow {run.spec.id!r}.")
    items = await run.ops.secondary_price_list(list_id, run.product.code)
    if step.id == run.spec.amount.times:
        return [
            Option(item.code, item.name or item.code, None, f"× {item.price:g}") for item in items
        ]
    return [Option(item.code, item.name or item.code, item.price) for item in items]


SOURCES.update(
    price_list=_price_list,
    choice_list=_choice_list,
    secondary_price_list=_secondary_price_list,
)


async def _validate(run: FlowRun, step: StepSpec) -> None:
    msisdn, product_code, details = run.request_fields()
    amount = run.amount() or run.minimum_amount()
    run.progress("Checking the account…")
    try:
        validation = await run.ops.validate_product(
            ProductValidateRequest(
                amount=amount, msisdn=msisdn, product_code=product_code, details=details or None
            )
        )
    except ApiError as exc:
        raise StepFailed(error_text(exc)) from exc
    if not validation.valid:
        raise StepFailed(
            f"{msisdn} is not a valid account for {run.product.name}. Check the number."
        )
    run.validation = validation
    entered = run.entered_amount()
    least = run.minimum_amount()
    if entered is not None and entered < least:
        raise StepFailed(
            f"The amount must be at least {least:,} (minimum or arrears on the account).",
            step_id="amount",
        )


async def _purchase(run: FlowRun, step: StepSpec) -> None:
    msisdn, product_code, details = run.request_fields()
    amount = run.amount()
    if amount is None:
        raise StepFailed("The amount is not known yet.")
    paid_by = run.active_values().get("confirm", "float")
    if paid_by != "float" and (run.payment is None or run.payment.state is not State.SUCCESS):
        return
    run.progress("Sending the payment… do not close the app")
    run.outcome = await run.checkout.purchase(
        run.product,
        msisdn=msisdn,
        amount=amount,
        product_code=product_code,
        description=run.description(),
        details=details,
        tariff=run.tariff(),
        parent_id=run.payment.entry.transaction_id if run.payment else None,
    )


async def _settle(run: FlowRun) -> None:
    assert run.outcome is not None
    run.outcome = await run.checkout.settle(run.outcome.entry.transaction_id)


OPERATIONS.update(validate=_validate, purchase=_purchase)
RETRIES[("ugmart", "purchase")] = _settle
