"""`kiosk collect`, `kiosk payout`, `kiosk card`, `kiosk refunds`, `kiosk refund`: money in and
out of the collection account, through the same flows as the app."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from kiosk.api.errors import ApiError
from kiosk.flows.autopilot import AnswerNeeded, NotConfirmed, run_unattended
from kiosk.flows.payment_ops import refund
from kiosk.flows.views import ResultView
from kiosk.journal import State
from kiosk.services import Services, build_services
from kiosk.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    collect = subparsers.add_parser("collect", help="request mobile money from a customer")
    collect.add_argument("--provider", required=True, help="e.g. mtn_mobile_money, airtel_money")
    collect.add_argument("--phone", required=True)
    collect.add_argument("--amount", required=True)
    collect.add_argument("--description", default="Payment")
    collect.set_defaults(func=lambda a: _run(a, _collect))

    payout = subparsers.add_parser("payout", help="send money from the float to a number")
    payout.add_argument("--provider", required=True)
    payout.add_argument("--phone", required=True)
    payout.add_argument("--amount", required=True)
    payout.add_argument("--reason", default="Payout")
    payout.add_argument("--yes", action="store_true", help="confirm without asking")
    payout.set_defaults(func=lambda a: _run(a, _payout))

    card = subparsers.add_parser("card", help="card payment: prints the link and a QR code")
    card.add_argument("--amount", required=True)
    card.add_argument("--contact", required=True, help="phone for the confirmation SMS")
    card.add_argument("--description", default="Payment")
    card.set_defaults(func=lambda a: _run(a, _card))

    refunds = subparsers.add_parser("refunds", help="payments owed back to customers")
    refunds.set_defaults(func=lambda a: _run(a, _refunds))

    pay_back = subparsers.add_parser("refund", help="pay a refund owed (a payout to the payer)")
    pay_back.add_argument("transaction_id")
    pay_back.add_argument("--provider", default="", help="payer's provider, for the name check")
    pay_back.add_argument("--yes", action="store_true")
    pay_back.set_defaults(func=lambda a: _run(a, _refund))

    for parser in (collect, payout, card, refunds, pay_back):
        parser.add_argument("--json", action="store_true")


def _run(args: argparse.Namespace, command: Any) -> int:
    async def main() -> int:
        services = build_services(Settings())
        try:
            return await command(services, args)
        except AnswerNeeded as exc:
            _print(args, {"status": "error", "step": exc.step_id, "message": exc.message})
            return 2
        except ApiError as exc:
            _print(args, {"status": "error", "message": f"{exc.message} — {exc.hint}"})
            return 1
        finally:
            await services.aclose()

    return asyncio.run(main())


def _print(args: argparse.Namespace, data: dict[str, Any]) -> None:
    if args.json:
        print(json.dumps(data))
    else:
        for key, value in data.items():
            print(f"{key}: {value}")


def _done(args: argparse.Namespace, result: ResultView) -> int:
    data = {
        "status": result.outcome,
        "transaction_id": result.transaction_id,
        "message": result.message,
    }
    data.update({label.lower(): value for label, value in result.highlight})
    _print(args, data)
    return 0 if result.outcome == "success" else 1


def _start(services: Services, code: str) -> Any:
    product = next(p for p in services.service_products() if p.code == code)
    return services.new_sale(product)


async def _collect(services: Services, args: argparse.Namespace) -> int:
    run = _start(services, "PAY.COLLECT")
    answers = {
        "pay_provider": args.provider,
        "pay_msisdn": args.phone,
        "amount": args.amount,
        "description": args.description,
    }
    return _done(args, await run_unattended(run, answers))


async def _payout(services: Services, args: argparse.Namespace) -> int:
    run = _start(services, "PAY.PAYOUT")
    answers = {
        "pay_provider": args.provider,
        "pay_msisdn": args.phone,
        "amount": args.amount,
        "description": args.reason,
    }
    try:
        return _done(args, await run_unattended(run, answers, confirm=args.yes))
    except NotConfirmed as pending:
        facts = dict(pending.view.facts)
        question = (
            f"Send {pending.view.amount:,} UGX to {facts.get('Registered name')} "
            f"({args.phone})? [y/N] "
        )
        if args.json or not sys.stdin.isatty() or input(question).strip().lower() != "y":
            _print(
                args,
                {
                    "status": "error",
                    "message": "not confirmed: pass --yes",
                    "recipient": facts.get("Registered name"),
                },
            )
            return 3
    result = await run.submit("")
    return _done(args, result) if isinstance(result, ResultView) else 1


async def _card(services: Services, args: argparse.Namespace) -> int:
    run = _start(services, "PAY.CARD")
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
    return _done(args, await run_unattended(run, answers))


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
        _print(args, {"status": "error", "message": f"{args.transaction_id} owes no refund"})
        return 2
    provider = args.provider or payment.request.get("provider_id", "")
    name = (await services.ugmart.validate_account(provider, payment.account)).customer_name or ""
    if not args.yes:
        _print(
            args,
            {
                "status": "error",
                "message": f"refund {payment.amount:,} UGX to {name} "
                f"({payment.account}): pass --yes to pay it",
            },
        )
        return 3
    entry = await refund(services.ugmart, services.journal, services.account_code, payment, name)
    _print(
        args,
        {
            "status": entry.state.value,
            "transaction_id": entry.transaction_id,
            "message": entry.message,
        },
    )
    return 0 if entry.state is State.REFUNDED else 1
