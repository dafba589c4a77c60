"""What the engine needs from the outside, as protocols: it is handed objects, never builds them.

`UgmartClient` satisfies `ProductOps`; tests may pass anything with the same methods.
"""

from __future__ import annotations

from typing import Any, Protocol

from kiosk.api.catalog_models import (
    Choice,
    PriceItem,
    Product,
    ProductValidateRequest,
    ProductValidation,
    PurchaseRequest,
    PurchaseResult,
)


class ProductOps(Protocol):
    async def products(self) -> list[Product]: ...

    async def price_list(self, code: str) -> list[PriceItem]: ...

    async def choice_list(self, code: str, type: str | None = None) -> list[Choice]: ...

    async def secondary_price_list(self, list_id: str, primary: str) -> list[PriceItem]: ...

    async def validate_product(self, req: ProductValidateRequest) -> ProductValidation: ...

    async def purchase(self, req: PurchaseRequest) -> PurchaseResult: ...

    async def transaction(self, transaction_id: str) -> Any: ...
