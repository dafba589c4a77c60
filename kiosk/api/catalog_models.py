"""Models of the Ugmart product endpoints: products, price lists, choice lists, validate, purchase.

Payloads differ per product (extra `balance`, `due_amount`, `tariff_charge`, ...): the models
keep unknown fields (`extra="allow"`) and coerce loosely, so a new field never breaks a sale.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

# Ids the documents show both as strings and as numbers (provider_transaction_id: 5021238514).
IdText = Annotated[
    str, BeforeValidator(lambda value: str(value) if isinstance(value, int) else value)
]


class Loose(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Product(Loose):
    name: str
    type: str = "OTHERS"
    code: str
    price: int = 0
    has_price_list: bool = False
    available: bool = True
    billable: bool = False

    @field_validator("type", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value


class PriceItem(Loose):
    """An entry of a price list or secondary price list (bundle, bouquet, period, add-on)."""

    code: str
    price: float
    name: str = ""


class Choice(Loose):
    """An entry of a choice list (NWSC area, purchase mode, features Yes/No)."""

    id: str
    description: str = ""
    long_label: str = ""
    short_label: str = ""

    @property
    def label(self) -> str:
        return self.long_label or self.short_label or self.description or self.id


class ProductValidateRequest(Loose):
    amount: int
    msisdn: str
    product_code: str
    details: dict[str, str] | None = None


class ProductValidation(Loose):
    valid: bool = False
    msisdn: str = ""
    customer_name: str | None = None
    balance: float | None = None
    due_amount: float | None = None
    due_date: str | None = None
    tariff_charge: float | None = None


class PurchaseRequest(Loose):
    account_code: str
    transaction_id: str
    amount: int
    msisdn: str
    product_code: str
    description: str
    details: dict[str, str] | None = None


class PurchaseResult(Loose):
    """The purchase answer. `status` is the body's: SUCCESS, FAILED or INCOMPLETE."""

    status: str
    message: str = ""
    transaction_id: IdText = ""
    msisdn: str = ""
    description: str = ""
    product_type: str = ""
    memo: str = ""
    tariff_charge: float | None = None
    provider_transaction_id: IdText | None = None
    details: dict[str, Any] = Field(default_factory=dict)

    @field_validator("details", mode="before")
    @classmethod
    def _details(cls, value: Any) -> Any:
        return value if isinstance(value, dict) else {}
