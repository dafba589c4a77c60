"""A sandbox catalog: products, their lists and recipient accounts. Tests build other ones."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from kiosk.sandbox import seed


@dataclass
class Catalog:
    products: list[dict[str, Any]]
    price_lists: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    choice_lists: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    secondary_lists: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    period_lists: dict[str, list[str]] = field(default_factory=dict)
    period_list_of_item: dict[str, str] = field(default_factory=dict)
    secondary_product_lists: dict[str, str] = field(default_factory=dict)
    accounts: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    tariffs: dict[str, int] = field(default_factory=dict)

    @classmethod
    def documents(cls) -> Catalog:
        """The catalog of the API documents' examples (a fresh copy each time)."""
        return cls(
            products=copy.deepcopy(seed.PRODUCTS),
            price_lists=copy.deepcopy(seed.PRICE_LISTS),
            choice_lists=copy.deepcopy(seed.CHOICE_LISTS),
            secondary_lists=copy.deepcopy(seed.SECONDARY_LISTS),
            period_lists=copy.deepcopy(seed.PERIOD_LISTS),
            period_list_of_item=dict(seed.PERIOD_LIST_OF_ITEM),
            secondary_product_lists=dict(seed.SECONDARY_PRODUCT_LISTS),
            accounts=copy.deepcopy(seed.ACCOUNTS),
            tariffs=dict(seed.TARIFFS),
        )

    def product(self, code: str) -> dict[str, Any] | None:
        return next((p for p in self.products if p["code"] == code), None)

    def resolve(self, code: str) -> tuple[dict[str, Any], dict[str, Any] | None] | None:
        """(main product, price-list item or None) for a purchasable code."""
        main = self.product(code)
        if main is not None:
            return main, None
        for parent, items in self.price_lists.items():
            for item in items:
                if item["code"] == code and (owner := self.product(parent)) is not None:
                    return owner, item
        return None

    def list_item(self, list_id: str, primary: str, code: str) -> dict[str, Any] | None:
        items = self.secondary_lists.get((list_id, primary), [])
        return next((item for item in items if item["code"] == code), None)

    def add_account(self, product_code: str, account: str, **facts: Any) -> None:
        self.accounts.setdefault(product_code, {})[account] = facts
