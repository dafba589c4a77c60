"""`kiosk buy`, `kiosk catalog`, `kiosk journal`, `kiosk reconcile`: the flows without a screen."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kiosk.cli.common import emit, run_command
from kiosk.flows.autopilot import AnswerNeeded, NotConfirmed, run_unattended
from kiosk.flows.engine import StepFailed
from kiosk.flows.views import ConfirmView, ResultView
from kiosk.services import Services

PICK_NAMES = (
    "product_code",
    "purchase_mode",
    "area_id",
    "feature",
    "secondary_product_code",
    "period",
)


def register(subparsers: argparse._SubParsersAction) -> None:
    buy = subparsers.add_parser("buy", help="sell a product without the screen")
    buy.add_argument("product", metavar="PRODUCT_CODE")
    buy.add_argument("--account", required=True, help="recipient phone / meter / smart card")
    buy.add_argument("--amount", help="amount for free-amount products")
    buy.add_argument("--contact", help="contact phone for the SMS receipt")
    buy.add_argument(
        "--pick",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help=f"a choice, by the API's field name: {', '.join(PICK_NAMES)}",
    )
    buy.add_argument(
        "--pay", choices=["float", "momo", "card"], default="float", help="who pays (default float)"
    )
    buy.add_argument("--payer", help="with --pay momo: the customer's mobile money number")
    buy.add_argument("--payer-provider", help="with --pay momo: e.g. mtn_mobile_money")
    buy.add_argument("--yes", action="store_true", help="confirm without asking")
    buy.add_argument("--json", action="store_true", help="print one JSON object")
    buy.set_defaults(func=lambda args: run_command(args, _buy))

    catalog = subparsers.add_parser("catalog", help="list the products of the account")
    catalog.add_argument("--json", action="store_true")
    catalog.set_defaults(func=lambda args: run_command(args, _catalog))

    journal = subparsers.add_parser("journal", help="list recent journal rows")
    journal.add_argument("--limit", type=int, default=50)
    journal.add_argument("--json", action="store_true")
    journal.set_defaults(func=lambda args: run_command(args, _journal))

    rec = subparsers.add_parser("reconcile", help="settle every row whose outcome is not known")
    rec.add_argument("ids", nargs="*", help="settle only these transaction ids")
    rec.add_argument("--json", action="store_true")
    rec.set_defaults(func=lambda args: run_command(args, _reconcile))


def _fail(args: argparse.Namespace, message: str, **extra: Any) -> None:
    if getattr(args, "json", False):
        emit(args, {"status": "error", "message": message, **extra})
    else:
        print(f"error: {message}", file=sys.stderr)


def _parse_picks(picks: list[str]) -> dict[str, str]:
    answers: dict[str, str] = {}
    for pick in picks:
        name, sep, value = pick.partition("=")
        if not sep or not name:
            raise SystemExit(
                f"--pick {pick!r}: use NAME=VALUE, NAME one of {', '.join(PICK_NAMES)}"
            )
        answers[name.strip()] = value.strip()
    return answers


def _ask(view: ConfirmView) -> bool:
    for line in view.lines:
        price = f"{line.amount:>12,.0f}" if line.amount is not None else f"{line.note:>12}"
        print(f"  {line.label:<44}{price}")
    print(f"  {'Amount':<44}{view.amount:>12,} {view.currency}")
    if view.tariff:
        print(f"  {'Tariff (on top, from the float)':<44}{view.tariff:>12,}")
    print(f"  {'Total from the float':<44}{view.total:>12,} {view.currency}")
    for label, value in view.facts:
        print(f"  {label}: {value}")
    if not sys.stdin.isatty():
        return False
    return input("Sell? [y/N] ").strip().lower() in ("y", "yes")


async def _buy(services: Services, args: argparse.Namespace) -> int:
    await services.reconcile()
    products = {product.code: product for product in await services.ugmart.products()}
    product = products.get(args.product)
    if product is None:
        _fail(args, f"unknown product {args.product!r}", choices=sorted(products))
        return 2
    answers = _parse_picks(args.pick)
    answers["msisdn"] = args.account
    if args.amount:
        answers["amount"] = args.amount
    if args.contact:
        answers["contact_phone"] = args.contact
    answers["confirm"] = args.pay
    if args.payer:
        answers["pay_msisdn"] = args.payer
    if args.payer_provider:
        answers["pay_provider"] = args.payer_provider
    run = services.new_sale(product)
    try:
        try:
            result = await run_unattended(run, answers, confirm=args.yes)
        except NotConfirmed as pending:
            if args.json or not _ask(pending.view):
                _fail(args, "not confirmed: pass --yes to sell", amount=pending.view.amount)
                return 3
            after = await run.submit(args.pay)
            if not isinstance(after, ResultView):
                _fail(args, getattr(after, "error", None) or "the sale did not go through")
                return 1
            result = after
    except AnswerNeeded as exc:
        _fail(
            args,
            exc.message + (": " + ", ".join(exc.choices) if exc.choices else ""),
            step=exc.step_id,
            choices=list(exc.choices),
        )
        return 2
    except StepFailed as exc:
        _fail(args, exc.message)
        return 1
    _print_result(args, run, result)
    return 0 if result.outcome == "success" else 1


def _print_result(args: argparse.Namespace, run: Any, result: ResultView) -> None:
    entry = run.outcome.entry
    response = entry.response or {}
    validation = run.validation
    if args.json:
        print(
            json.dumps(
                {
                    "transaction_id": result.transaction_id,
                    "status": result.outcome,
                    "product_code": entry.product_code,
                    "amount": entry.amount,
                    "tariff_charge": entry.tariff_charge or 0,
                    "customer_name": validation.customer_name if validation else None,
                    "message": result.message,
                    "details": response.get("details", {}),
                }
            )
        )
        return
    print(f"{result.title}: {result.outcome.upper()} — {result.message}")
    for label, value in result.highlight + result.lines:
        print(f"  {label:<20}{value}")
    if result.hint:
        print(result.hint)


async def _catalog(services: Services, args: argparse.Namespace) -> int:
    products = await services.ugmart.products()
    if args.json:
        print(json.dumps([product.model_dump() for product in products]))
        return 0
    for product in products:
        flag = "" if product.available else "  (unavailable)"
        lists = "price list" if product.has_price_list else f"min {product.price:,}"
        print(f"{product.type:<10} {product.code:<24} {product.name:<32} {lists}{flag}")
    return 0


async def _journal(services: Services, args: argparse.Namespace) -> int:
    entries = services.journal.entries(limit=args.limit)
    if args.json:
        print(json.dumps([_entry_json(entry) for entry in entries]))
        return 0
    for entry in entries:
        print(
            f"{entry.created_at:%Y-%m-%d %H:%M} {entry.transaction_id:<22} {entry.state.value:<10} "
            f"{entry.product_code:<24} {entry.account:<14} {entry.amount:>10,}"
        )
    return 0


def _entry_json(entry: Any) -> dict[str, Any]:
    return {
        "transaction_id": entry.transaction_id,
        "state": entry.state.value,
        "service": entry.service,
        "kind": entry.kind,
        "product_code": entry.product_code,
        "account": entry.account,
        "amount": entry.amount,
        "currency": entry.currency,
        "message": entry.message,
        "created_at": entry.created_at.isoformat(),
    }


async def _reconcile(services: Services, args: argparse.Namespace) -> int:
    settled = await services.reconcile(only=set(args.ids) if args.ids else None)
    missing = sorted(set(args.ids) - {s.before.transaction_id for s in settled})
    why = "not in the journal, or already final"
    if args.json:
        rows = [
            {**_entry_json(s.after), "was": s.before.state.value, "error": s.error} for s in settled
        ]
        print(json.dumps(rows + [{"transaction_id": t, "error": why} for t in missing]))
    else:
        for s in settled:
            note = f" ({s.error})" if s.error else ""
            print(
                f"{s.after.transaction_id}: {s.before.state.value} -> {s.after.state.value}{note}"
            )
        for transaction_id in missing:
            print(f"{transaction_id}: {why}", file=sys.stderr)
        print(f"{len(settled)} row(s) checked, {sum(s.changed for s in settled)} settled")
    return 0 if not missing and all(s.after.final for s in settled) else 1
