"""The app factory's ingredients: API clients, journal and (in sandbox mode) the sandbox.

Built from settings in one place, so the app, the CLI and the tests get the same wiring, and
tests inject an in-process sandbox instead of any network.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from kiosk.api.catalog_models import Product
from kiosk.api.ugmart import UgmartClient
from kiosk.api.ums import UmsClient
from kiosk.flows.checkout import Checkout
from kiosk.flows.engine import FlowRun, ProgressHook
from kiosk.flows.payment_ops import settle_payment
from kiosk.flows.reconcile import Resolver, Settled, purchase_resolver, reconcile
from kiosk.flows.registry import FlowConfig
from kiosk.flows.spec import FlowSpec, builtin_specs, service_flows, spec_for
from kiosk.flows.ums_ops import settle_stk
from kiosk.journal import Entry, Journal
from kiosk.settings import Settings

if TYPE_CHECKING:
    import httpx

    from kiosk.sandbox.app import Sandbox


@dataclass
class Services:
    settings: Settings
    ugmart: UgmartClient
    ums: UmsClient
    journal: Journal
    account_code: str
    sandbox: Sandbox | None = None
    specs: tuple[FlowSpec, ...] = field(default_factory=builtin_specs)
    new_id: Callable[[], str] | None = None

    @property
    def checkout(self) -> Checkout:
        kwargs = {"new_id": self.new_id} if self.new_id else {}
        return Checkout(
            self.ugmart,
            self.journal,
            account_code=self.account_code,
            operator=self.settings.operator,
            not_found_grace=timedelta(seconds=self.settings.reconcile_grace),
            **kwargs,
        )

    @property
    def flow_config(self) -> FlowConfig:
        _, _, account_id, station_id = self.settings.ums_credentials()
        return FlowConfig(
            ums_account_id=account_id,
            station_id=station_id,
            sender_id=self.settings.ums_sender_id,
            stk_timeout=self.settings.stk_timeout,
            application=self.settings.application,
            callback_url=self.settings.callback_url,
        )

    def new_sale(self, product: Product, on_progress: ProgressHook | None = None) -> FlowRun:
        """A sale of a catalog product, or of a UMS service (see `service_flows`)."""
        services = {item.code: spec for spec, item in service_flows(self.specs)}
        spec = services.get(product.code) or spec_for(product, self.specs)
        return FlowRun(
            spec,
            product,
            self.ugmart,
            self.checkout,
            on_progress=on_progress,
            ums=self.ums,
            config=self.flow_config,
        )

    def service_products(self) -> list[Product]:
        return [item for _, item in service_flows(self.specs)]

    def resolvers(self) -> dict[tuple[str, str], Resolver]:
        """How each kind of journal row is settled by reconcile."""

        async def stk(entry: Entry) -> Entry:
            return await settle_stk(None, self.ums, self.journal, entry)

        async def payment(entry: Entry) -> Entry:
            return await settle_payment(self.ugmart, self.journal, entry)

        return {
            ("ugmart", "purchase"): purchase_resolver(self.checkout),
            ("ugmart", "collection"): payment,
            ("ugmart", "card"): payment,
            ("ugmart", "payout"): payment,
            ("ums", "stk"): stk,
        }

    async def reconcile(self, only: Collection[str] | None = None) -> list[Settled]:
        return await reconcile(self.journal, self.resolvers(), only=only)

    async def aclose(self) -> None:
        await self.ugmart.aclose()
        await self.ums.aclose()
        self.journal.close()


def build_services(
    settings: Settings,
    *,
    sandbox: Sandbox | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Services:
    """Clients for the configured accounts, or for an in-process sandbox when none is set.

    `transport` goes between the clients and the configured URLs (the fault bench puts real
    refused connections there); an in-process sandbox brings its own.
    """
    email, password, account = settings.ugmart_credentials()
    api_key, ums_email, _, _ = settings.ums_credentials()
    ugmart_url, ums_url = settings.ugmart_url, settings.ums_url
    if settings.sandbox and sandbox is None and _is_default(settings):
        from kiosk.sandbox.app import Sandbox

        sandbox = Sandbox()
    if sandbox is not None:
        from kiosk.sandbox.app import UGMART_BASE, UMS_BASE

        ugmart_url, ums_url, transport = UGMART_BASE, UMS_BASE, sandbox.transport()
    ugmart = UgmartClient(
        ugmart_url,
        email,
        password,
        transport=transport,
        timeout=settings.http_timeout,
        catalog_ttl=settings.catalog_ttl,
    )
    ums = UmsClient(ums_url, api_key, ums_email, transport=transport, timeout=settings.http_timeout)
    return Services(
        settings=settings,
        ugmart=ugmart,
        ums=ums,
        journal=Journal(settings.journal_path),
        account_code=account,
        sandbox=sandbox,
    )


def _is_default(settings: Settings) -> bool:
    """Sandbox credentials with the default URLs: use the embedded sandbox in-process.

    A sandbox URL on loopback (`kiosk sandbox` served) is used over HTTP instead.
    """
    from kiosk.settings import UGMART_DEFAULT_URL

    return settings.ugmart_url == UGMART_DEFAULT_URL
