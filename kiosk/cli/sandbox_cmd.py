"""`kiosk sandbox`: serve the embedded sandbox on 127.0.0.1 for the app, scripts and curl."""

from __future__ import annotations

import argparse
import time

from kiosk.sandbox.app import Sandbox
from kiosk.sandbox.faults import Faults
from kiosk.sandbox.server import ServedSandbox
from kiosk.sandbox.ugmart import UgmartSandbox


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("sandbox", help="serve the sandbox Ugmart + UMS on 127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--token-ttl", type=float, default=1800.0, help="JWT lifetime, seconds")
    parser.add_argument(
        "--fault",
        default="",
        metavar="SPEC",
        help="random faults per request, e.g. drop=0.1,500=0.05,401=0.02,latency=0.3 "
        "(kinds: 500 502 503 401 drop timeout bad_body refuse)",
    )
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before every answer")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    faults = Faults.parse(args.fault, in_process=False)
    faults.latency = faults.latency or args.latency
    sandbox = Sandbox(ugmart=UgmartSandbox(token_ttl=args.token_ttl), faults=faults)
    with ServedSandbox(sandbox, port=args.port) as served:
        print("Kiosk sandbox (example data of the API documents)")
        print(f"  Ugmart: {served.ugmart_url}   login jane.doe@domain.com / password")
        print(f"  UMS:    {served.ums_url}   api_key VE5MTlkzRk06MTlwNjlkZWM=")
        print("Point the kiosk at it:")
        print(f"  export KIOSK_UGMART_URL={served.ugmart_url} KIOSK_UMS_URL={served.ums_url}")
        print("Ctrl+C stops it.", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0
