"""The sandbox as one ASGI app: Ugmart at /api (so the document's curl lines work with the
host replaced) and UMS at /ums/api/v1, behind the fault injector."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount

from kiosk.sandbox.faults import FaultInjector, Faults
from kiosk.sandbox.ugmart import Committed, UgmartSandbox
from kiosk.sandbox.ugmart_routes import ugmart_app
from kiosk.sandbox.ums import UmsSandbox
from kiosk.sandbox.ums_routes import ums_app

# In-process base URLs: requests never leave the process (see Sandbox.transport).
UGMART_BASE = "http://127.0.0.1/api"
UMS_BASE = "http://127.0.0.1/ums/api/v1"
UGMART_PREFIX = "/api"
UMS_PREFIX = "/ums/api/v1"


def create_app(
    ugmart: UgmartSandbox | None = None,
    ums: UmsSandbox | None = None,
    faults: Faults | None = None,
) -> Starlette:
    routes = [
        Mount(UGMART_PREFIX, app=ugmart_app(ugmart or UgmartSandbox())),
        Mount(UMS_PREFIX, app=ums_app(ums or UmsSandbox())),
    ]
    return Starlette(
        routes=routes, middleware=[Middleware(FaultInjector, faults=faults or Faults())]
    )


@dataclass
class Sandbox:
    """Both fake services with their state, for tests and the embedded default.

    `sandbox.ugmart.purchases` is the ledger of committed purchases: count charges there.
    """

    ugmart: UgmartSandbox = field(default_factory=UgmartSandbox)
    ums: UmsSandbox = field(default_factory=UmsSandbox)
    faults: Faults = field(default_factory=Faults)

    def __post_init__(self) -> None:
        self.app = create_app(self.ugmart, self.ums, self.faults)

    def transport(self) -> httpx.ASGITransport:
        return httpx.ASGITransport(app=self.app)

    @property
    def purchases(self) -> list[Committed]:
        return self.ugmart.purchases
