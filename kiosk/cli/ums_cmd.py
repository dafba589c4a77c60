"""`kiosk ums …`: the UMS services without a screen, through the same flows as the app."""

from __future__ import annotations

import argparse
import json

from kiosk.cli.common import emit, emit_result, run_command, service_run
from kiosk.flows.autopilot import run_unattended
from kiosk.services import Services
from kiosk.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    ums = subparsers.add_parser("ums", help="SMS, M-Pesa STK push and hotspot vouchers (UMS)")
    commands = ums.add_subparsers(dest="ums_command", metavar="COMMAND", required=True)

    sms = commands.add_parser("sms", help="send an SMS to one or more numbers")
    sms.add_argument("--to", required=True, help="N[,N...]")
    sms.add_argument("--text", required=True)
    sms.add_argument("--sender", help="sender id (default: the setting, UMS_SMS)")
    sms.set_defaults(func=lambda a: run_command(a, _sms))

    balance = commands.add_parser("balance", help="SMS credit balance")
    balance.set_defaults(func=lambda a: run_command(a, _balance))

    delivery = commands.add_parser("delivery", help="delivery report of a sent SMS")
    delivery.add_argument("request_id")
    delivery.set_defaults(func=lambda a: run_command(a, _delivery))

    stk = commands.add_parser("stk", help="ask a customer to pay by M-Pesa")
    stk.add_argument("--phone", required=True)
    stk.add_argument("--amount", required=True)
    stk.add_argument("--reference", default="")
    stk.add_argument("--wait", action="store_true", help="wait until the customer answers")
    stk.set_defaults(func=lambda a: run_command(a, _stk))

    plans = commands.add_parser("plans", help="hotspot plans of the station")
    plans.set_defaults(func=lambda a: run_command(a, _plans))

    voucher = commands.add_parser("voucher", help="register a hotspot voucher sold for cash")
    voucher.add_argument("--plan", required=True)
    voucher.add_argument("--code", default="", help="voucher code (generated when empty)")
    voucher.set_defaults(func=lambda a: run_command(a, _voucher))

    for parser in (sms, balance, delivery, stk, plans, voucher):
        parser.add_argument("--json", action="store_true")

    hook = subparsers.add_parser("webhook", help="receive UMS and card-payment callbacks")
    hook.add_argument("--host", default="127.0.0.1", help="127.0.0.1, or a LAN address")
    hook.add_argument("--port", type=int, default=8787)
    hook.set_defaults(func=_webhook)


def _webhook(args: argparse.Namespace) -> int:
    import uvicorn

    from kiosk.journal import Journal
    from kiosk.webhook import webhook_app

    settings = Settings()
    journal = Journal(settings.journal_path)
    print(f"Callbacks: http://{args.host}:{args.port}/ums/stk, /ums/sms, /ugmart/card")
    try:
        uvicorn.run(webhook_app(journal), host=args.host, port=args.port, log_level="warning")
    finally:
        journal.close()
    return 0


async def _sms(services: Services, args: argparse.Namespace) -> int:
    config = {"sender_id": args.sender} if args.sender else {}
    run = service_run(services, "UMS.SMS", **config)
    result = await run_unattended(run, {"recipients": args.to, "message": args.text})
    return emit_result(args, result)


async def _balance(services: Services, args: argparse.Namespace) -> int:
    emit(args, {"credit_balance": await services.ums.sms_balance()})
    return 0


async def _delivery(services: Services, args: argparse.Namespace) -> int:
    report = await services.ums.sms_delivery(args.request_id)
    emit(args, report.model_dump(mode="json"))
    return 0


async def _stk(services: Services, args: argparse.Namespace) -> int:
    answers = {"msisdn": args.phone, "amount": args.amount, "reference": args.reference}
    timeout = services.settings.stk_timeout if args.wait else 0.0
    run = service_run(services, "UMS.STK", stk_timeout=timeout)
    return emit_result(args, await run_unattended(run, answers))


async def _plans(services: Services, args: argparse.Namespace) -> int:
    _, _, _, station_id = services.settings.ums_credentials()
    station = await services.ums.hotspot_plans(station_id)
    plans = [
        {
            "plan_code": p.plan_code,
            "price": p.price,
            "type": p.plan_type,
            "validity": p.validity_period,
            "devices": p.allowed_devices,
            "label": p.label,
        }
        for p in station.plans
    ]
    if args.json:
        print(json.dumps(plans))
    else:
        for plan in plans:
            print(f"{plan['plan_code']:<12} {plan['price']:>7g} KES  {plan['label']}")
    return 0


async def _voucher(services: Services, args: argparse.Namespace) -> int:
    answers = {"plan_code": args.plan, "voucher_code": args.code, "payment": "cash"}
    return emit_result(args, await run_unattended(service_run(services, "UMS.VOUCHER"), answers))
