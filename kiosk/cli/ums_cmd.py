"""`kiosk ums …`: the UMS services without a screen, through the same flows as the app."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
from typing import Any

from kiosk.api.errors import ApiError
from kiosk.flows.autopilot import AnswerNeeded, run_unattended
from kiosk.flows.views import ResultView
from kiosk.services import Services, build_services
from kiosk.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    ums = subparsers.add_parser("ums", help="SMS, M-Pesa STK push and hotspot vouchers (UMS)")
    commands = ums.add_subparsers(dest="ums_command", metavar="COMMAND", required=True)

    sms = commands.add_parser("sms", help="send an SMS to one or more numbers")
    sms.add_argument("--to", required=True, help="N[,N...]")
    sms.add_argument("--text", required=True)
    sms.add_argument("--sender", help="sender id (default: the setting, UMS_SMS)")
    sms.set_defaults(func=lambda a: _run(a, _sms))

    balance = commands.add_parser("balance", help="SMS credit balance")
    balance.set_defaults(func=lambda a: _run(a, _balance))

    delivery = commands.add_parser("delivery", help="delivery report of a sent SMS")
    delivery.add_argument("request_id")
    delivery.set_defaults(func=lambda a: _run(a, _delivery))

    stk = commands.add_parser("stk", help="ask a customer to pay by M-Pesa")
    stk.add_argument("--phone", required=True)
    stk.add_argument("--amount", required=True)
    stk.add_argument("--reference", default="")
    stk.add_argument("--wait", action="store_true", help="wait until the customer answers")
    stk.set_defaults(func=lambda a: _run(a, _stk))

    plans = commands.add_parser("plans", help="hotspot plans of the station")
    plans.set_defaults(func=lambda a: _run(a, _plans))

    voucher = commands.add_parser("voucher", help="register a hotspot voucher sold for cash")
    voucher.add_argument("--plan", required=True)
    voucher.add_argument("--code", default="", help="voucher code (generated when empty)")
    voucher.set_defaults(func=lambda a: _run(a, _voucher))

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


def _run(args: argparse.Namespace, command: Any) -> int:
    async def main() -> int:
        services = build_services(Settings())
        try:
            return await command(services, args)
        except AnswerNeeded as exc:
            _print(args, {"status": "error", "message": exc.message, "step": exc.step_id})
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
        return
    for key, value in data.items():
        print(f"{key}: {value}")


async def _flow(
    services: Services, code: str, answers: dict[str, str], **config: Any
) -> ResultView:
    product = next(p for p in services.service_products() if p.code == code)
    run = services.new_sale(product)
    if config:
        run.config = dataclasses.replace(run.config, **config)
    return await run_unattended(run, answers)


def _result(args: argparse.Namespace, result: ResultView) -> int:
    data: dict[str, Any] = {
        "status": result.outcome,
        "transaction_id": result.transaction_id,
        "message": result.message,
    }
    data.update({label.lower().replace(" ", "_"): value for label, value in result.highlight})
    _print(args, data)
    return 0 if result.outcome == "success" else 1


async def _sms(services: Services, args: argparse.Namespace) -> int:
    config = {"sender_id": args.sender} if args.sender else {}
    result = await _flow(
        services, "UMS.SMS", {"recipients": args.to, "message": args.text}, **config
    )
    return _result(args, result)


async def _balance(services: Services, args: argparse.Namespace) -> int:
    _print(args, {"credit_balance": await services.ums.sms_balance()})
    return 0


async def _delivery(services: Services, args: argparse.Namespace) -> int:
    report = await services.ums.sms_delivery(args.request_id)
    _print(args, report.model_dump(mode="json"))
    return 0


async def _stk(services: Services, args: argparse.Namespace) -> int:
    answers = {"msisdn": args.phone, "amount": args.amount, "reference": args.reference}
    timeout = services.settings.stk_timeout if args.wait else 0.0
    return _result(args, await _flow(services, "UMS.STK", answers, stk_timeout=timeout))


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
    return _result(args, await _flow(services, "UMS.VOUCHER", answers))
