"""The sandbox as one ASGI app: Ugmart at /api (so the document's curl lines work with the
host replaced) and UMS at /ums/api/v1, behind the fault injector."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
from starlette.applications import Starlette
from starlette.routing import Mount

from kiosk.sandbox.faults import ASGIApp, Faults
from kiosk.sandbox.ugmart import UgmartSandbox, ugmart_app
from kiosk.sandbox.ums import UmsSandbox, ums_app

# In-process base URLs: requests never leave the process (see Sandbox.transport).
UGMART_BASE = "http://127.0.0.1/api"
UMS_BASE = "http://127.0.0.1/ums/api/v1"


def create_app(
    ugmart: UgmartSandbox | None = None,
    ums: UmsSandbox | None = None,
    faults: Faults | None = None,
) -> ASGIApp:
    app = Starlette(
        routes=[
            Mount("/api", app=ugmart_app(ugmart or UgmartSandbox())),
            Mount("/ums/api/v1", app=ums_app(ums or UmsSandbox())),
        ]
    )
    return (faults or Faults()).middleware(app)


@dataclass
class Sandbox:
    """Both fake services with their state, for tests and the embedded default."""

    ugmart: UgmartSandbox = field(default_factory=UgmartSandbox)
    ums: UmsSandbox = field(default_factory=UmsSandbox)
    faults: Faults = field(default_factory=Faults)

    def __post_init__(self) -> None:
        self.app = create_app(self.ugmart, self.ums, self.faults)

    def transport(self) -> httpx.AsyncBaseTransport:
        return httpx.ASGITransport(app=self.app)
