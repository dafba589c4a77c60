"""`kiosk collect`, `kiosk payout`, `kiosk card`, `kiosk refunds`, `kiosk refund`: money in and
out of the collection account, through the same flows as the app."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kiosk.cli.common import emit, emit_result, run_command, service_run
from kiosk.flows.autopilot import NotConfirmed, run_unattended
from kiosk.flows.payment_ops import refund
from kiosk.flows.views import ResultView
from kiosk.journal import State
from kiosk.services import Services


def register(subparsers: argparse._SubParsersAction) -> None:
    collect = subparsers.add_parser("collect", help="request mobile money from a customer")
    collect.add_argument("--provider", required=True, help="e.g. mtn_mobile_money, airtel_money")
    collect.add_argument("--phone", required=True)
    collect.add_argument("--amount", required=True)
    collect.add_argument("--description", default="Payment")
    collect.set_defaults(func=lambda a: run_command(a, _collect))

    payout = subparsers.add_parser("payout", help="send money from the float to a number")
    payout.add_argument("--provider", required=True)
    payout.add_argument("--phone", required=True)
    payout.add_argument("--amount", required=True)
    payout.add_argument("--reason", default="Payout")
    payout.add_argument("--yes", action="store_true", help="confirm without asking")
    payout.set_defaults(func=lambda a: run_command(a, _payout))

    card = subparsers.add_parser("card", help="card payment: prints the link and a QR code")
    card.add_argument("--amount", required=True)
    card.add_argument("--contact", required=True, help="phone for the confirmation SMS")
    card.add_argument("--description", default="Payment")
    card.add_argument("--wait", type=float, default=180.0, help="seconds to wait for the payer")
    card.set_defaults(func=lambda a: run_command(a, _card))

    refunds = subparsers.add_parser("refunds", help="payments owed back to customers")
    refunds.set_defaults(func=lambda a: run_command(a, _refunds))

    pay_back = subparsers.add_parser("refund", help="pay a refund owed (a payout to the payer)")
    pay_back.add_argument("transaction_id")
    pay_back.add_argument("--provider", default="", help="payer's provider, for the name check")
    pay_back.add_argument("--yes", action="store_true")
    pay_back.set_defaults(func=lambda a: run_command(a, _refund))

    for parser in (collect, payout, card, refunds, pay_back):
        parser.add_argument("--json", action="store_true")


async def _collect(services: Services, args: argparse.Namespace) -> int:
    run = service_run(services, "PAY.COLLECT")
    answers = {
        "pay_provider": args.provider,
        "pay_msisdn": args.phone,
        "amount": args.amount,
        "description": args.description,
    }
    return emit_result(args, await run_unattended(run, answers))


async def _payout(services: Services, args: argparse.Namespace) -> int:
    run = service_run(services, "PAY.PAYOUT")
    answers = {
        "pay_provider": args.provider,
        "pay_msisdn": args.phone,
        "amount": args.amount,
        "description": args.reason,
    }
    try:
        return emit_result(args, await run_unattended(run, answers, confirm=args.yes))
    except NotConfirmed as pending:
        facts = dict(pending.view.facts)
        question = (
            f"Send {pending.view.amount:,} UGX to {facts.get('Registered name')} "
            f"({args.phone})? [y/N] "
        )
        if args.json or not sys.stdin.isatty() or input(question).strip().lower() != "y":
            emit(
                args,
                {
                    "status": "error",
                    "message": "not confirmed: pass --yes",
                    "recipient": facts.get("Registered name"),
                },
            )
            return 3
    result = await run.submit("")
    return emit_result(args, result) if isinstance(result, ResultView) else 1


async def _card(services: Services, args: argparse.Namespace) -> int:
    run = service_run(services, "PAY.CARD", payment_timeout=args.wait)
    shown: set[str] = set()

    def show(progress: Any) -> None:
        url = progress.detail.get("qr")
        if url and url not in shown and not args.json:
            shown.add(url)
            import qrcode

            code = qrcode.QRCode(border=1)
            code.add_data(url)
            code.print_ascii(invert=True)
            print(url, flush=True)

    run.on_progress = show
    answers = {
        "amount": args.amount,
        "contact_phone": args.contact,
        "description": args.description,
    }
    return emit_result(args, await run_unattended(run, answers))


async def _refunds(services: Services, args: argparse.Namespace) -> int:
    owed = services.journal.entries(states=[State.AWAIT_REFUND], limit=1000)
    rows = [
        {
            "transaction_id": e.transaction_id,
            "account": e.account,
            "amount": e.amount,
            "message": e.message,
        }
        for e in owed
    ]
    if args.json:
        print(json.dumps(rows))
    else:
        for row in rows:
            line = f"{row['transaction_id']:<22}{row['account']:<14}{row['amount']:>10,}"
            print(f"{line}  {row['message']}")
        print(f"{len(rows)} refund(s) owed")
    return 0


async def _refund(services: Services, args: argparse.Namespace) -> int:
    payment = services.journal.get(args.transaction_id)
    if payment is None or payment.state is not State.AWAIT_REFUND:
        emit(args, {"status": "error", "message": f"{args.transaction_id} owes no refund"})
        return 2
    provider = args.provider or payment.request.get("provider_id", "")
    name = (await services.ugmart.validate_account(provider, payment.account)).customer_name or ""
    if not args.yes:
        emit(
            args,
            {
                "status": "error",
                "message": f"refund {payment.amount:,} UGX to {name} "
                f"({payment.account}): pass --yes to pay it",
            },
        )
        return 3
    try:
        entry = await refund(
            services.ugmart, services.journal, services.account_code, payment, name
        )
    except ValueError as exc:
        emit(args, {"status": "error", "message": str(exc)})
        return 1
    emit(
        args,
        {
            "status": entry.state.value,
            "transaction_id": entry.transaction_id,
            "message": entry.message,
        },
    )
    return 0 if entry.state is State.REFUNDED else 1
