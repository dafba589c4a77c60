"""`kiosk sandbox`: serve the embedded sandbox on 127.0.0.1 for the app, scripts and curl."""

from __future__ import annotations

import argparse
import time

from kiosk.sandbox.app import Sandbox
from kiosk.sandbox.faults import KINDS, Faults
from kiosk.sandbox.server import ServedSandbox
from kiosk.sandbox.ugmart import UgmartSandbox
from kiosk.settings import (
    SANDBOX_UGMART_ACCOUNT,
    SANDBOX_UGMART_EMAIL,
    SANDBOX_UGMART_PASSWORD,
    SANDBOX_UMS_ACCOUNT_ID,
    SANDBOX_UMS_API_KEY,
    SANDBOX_UMS_EMAIL,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("sandbox", help="serve the sandbox Ugmart + UMS on 127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--token-ttl", type=float, default=1800.0, help="JWT lifetime, seconds")
    parser.add_argument(
        "--collection-delay",
        type=float,
        default=5.0,
        help="seconds before a mobile money collection settles",
    )
    parser.add_argument(
        "--fault",
        default="",
        metavar="SPEC",
        help="probability per request of each fault, e.g. drop=0.1,500=0.05,latency=0.2 "
        f"(kinds: {' '.join(KINDS)})",
    )
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before every answer")
    parser.add_argument("--seed", type=int, help="random seed for --fault, to replay a run")
    parser.set_defaults(func=run)


def environment(served: ServedSandbox) -> list[str]:
    """What points a kiosk at this sandbox. With no credentials set the kiosk stays in sandbox
    mode (SANDBOX label, its own journal) and logs in with the documents' example ones."""
    return [f"KIOSK_UGMART_URL={served.ugmart_url}", f"KIOSK_UMS_URL={served.ums_url}"]


def example_credentials() -> list[str]:
    """The documents' public example credentials, which this sandbox accepts."""
    return [
        f"Ugmart login {SANDBOX_UGMART_EMAIL} / {SANDBOX_UGMART_PASSWORD}, "
        f"collection account {SANDBOX_UGMART_ACCOUNT}",
        f"UMS api_key {SANDBOX_UMS_API_KEY}, email {SANDBOX_UMS_EMAIL}, "
        f"account {SANDBOX_UMS_ACCOUNT_ID}",
    ]


def run(args: argparse.Namespace) -> int:
    try:
        faults = Faults.parse(args.fault, in_process=False, latency=args.latency, seed=args.seed)
    except ValueError as exc:
        print(f"kiosk sandbox: --fault: {exc}")
        return 2
    ugmart = UgmartSandbox(token_ttl=args.token_ttl, collection_delay=args.collection_delay)
    sandbox = Sandbox(ugmart=ugmart, faults=faults)
    with ServedSandbox(sandbox, port=args.port) as served:
        print("Kiosk sandbox (example data of the API documents)")
        print(f"  Ugmart: {served.ugmart_url}")
        print(f"  UMS:    {served.ums_url}")
        if faults.rates or faults.latency:
            print(f"  faults: {args.fault or '-'}  latency: {faults.latency:g} s")
        print("Point the kiosk at it:")
        for line in environment(served):
            print(f"  export {line}")
        print("It accepts the API documents' example credentials (the kiosk's defaults):")
        for line in example_credentials():
            print(f"  {line}")
        print("Ctrl+C stops it.", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0
