"""Models of the Ugmart login, payment, balance, transaction and SMS endpoints, and the
envelope every Ugmart answer comes in.

Wire names are kept; Python names are clean through aliases (`currentPage` -> current_page).
The product endpoints' models are in catalog_models.py. Secrets are SecretStr: masked in repr
and in every dump, except a dump with the `WIRE` context (the request body itself).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    SecretStr,
    SerializationInfo,
)

from kiosk.api.catalog_models import IdText, Loose

# Dump context that reveals secrets: for the request body and the documents' round trip only.
WIRE = {"reveal_secrets": True}


def _reveal(value: SecretStr, info: SerializationInfo) -> str | SecretStr:
    return value.get_secret_value() if (info.context or {}).get("reveal_secrets") else value


WireSecret = Annotated[SecretStr, PlainSerializer(_reveal)]

T = TypeVar("T")


def wire(model: BaseModel) -> dict[str, Any]:
    """The JSON body exactly as the service expects it: wire names, secrets, no unset extras."""
    return model.model_dump(mode="json", by_alias=True, exclude_none=True, context=WIRE)


class Envelope(Loose, Generic[T]):
    """`{"code", "status", "message", "data"}`: the shape of most Ugmart answers."""

    code: int | None = None
    status: str = ""
    message: str = ""
    data: T


class ErrorBody(Loose):
    """A refusal: `{"code": 404, "status": "FAILED", "message": ...}` (401s omit status)."""

    code: int | None = None
    status: str = ""
    message: str = ""


def result_fields(body: dict[str, Any]) -> dict[str, Any]:
    """A money call's answer as one flat record: the body's code/status/message with its
    `data` fields on top, so data.status (a collection's PENDING) wins when present."""
    data = body.get("data")
    top = {key: value for key, value in body.items() if key != "data"}
    return {**top, **data} if isinstance(data, dict) else top


# -- auth ------------------------------------------------------------------------------------


class LoginRequest(Loose):
    email: str
    password: WireSecret


class LoginResult(Loose):
    token: WireSecret
    expires_in: int = 1800
    email: str = ""


# -- mobile money and cards ------------------------------------------------------------------


class PaymentProvider(Loose):
    name: str
    code: str
    available: bool = True


class CollectionRequest(Loose):
    account_code: str
    transaction_id: str
    provider_id: str
    msisdn: str
    currency: str = "UGX"
    amount: int
    application: str
    description: str


class PayoutRequest(Loose):
    account_code: str
    transaction_id: str
    msisdn: str
    currency: str = "UGX"
    amount: int
    application: str
    description: str
    recipient_name: str


class TransferResult(Loose):
    """Collection / payout answer: the body's status, or data.status when the data has one
    (a collection is SUCCESS "accepted" with data.status PENDING until the payer approves)."""

    status: str
    message: str = ""
    transaction_id: IdText = ""
    external_transaction_id: IdText | None = None
    msisdn: str = ""
    amount: float | None = None
    currency: str = "UGX"
    transaction_charge: float | None = None
    provider_id: str = ""
    description: str = ""


class AccountValidateRequest(Loose):
    provider_id: str
    msisdn: str


class AccountValidation(Loose):
    valid: bool = False
    customer_name: str | None = None
    msisdn: str = ""


class CardPaymentRequest(Loose):
    account_code: str
    transaction_id: str
    provider_id: str = "visa_mastercard"
    msisdn: str
    currency: str = "UGX"
    amount: int
    application: str
    description: str
    callback_url: str


class CardPaymentSession(Loose):
    status: str
    message: str = ""
    transaction_id: IdText = ""
    payment_url: str = ""


# -- balances --------------------------------------------------------------------------------


class Wallet(Loose):
    currency: str
    balance: float


class AccountBalance(Loose):
    account_code: str
    account_name: str = ""
    wallets: list[Wallet] = Field(default_factory=list)

    def wallet(self, currency: str = "UGX") -> float | None:
        for wallet in self.wallets:
            if wallet.currency == currency:
                return wallet.balance
        return None


# -- transactions ----------------------------------------------------------------------------


class AccountRef(Loose):
    account_code: str = ""
    account_name: str = ""


class ProviderRef(Loose):
    name: str = ""
    code: str = ""


class Transaction(Loose):
    transaction_id: IdText
    collection_account: AccountRef | None = None
    payment_provider: ProviderRef | None = None
    type: str = ""
    msisdn: str = ""
    currency: str = "UGX"
    application: str = ""
    description: str = ""
    amount: float = 0
    charge: float = 0
    status: str = ""
    status_message: str = ""
    transaction_date: str | None = None
    completed_on: str | None = None


class TransactionPage(Loose):
    current_page: int = Field(1, alias="currentPage")
    items_per_page: int = Field(20, alias="itemsPerPage")
    total_items: int = Field(0, alias="totalItems")
    data: list[Transaction] = Field(default_factory=list)


class TransactionFilter(BaseModel):
    """Every documented filter of GET /transactions; only the ones set are sent.

    Dates are `YYYY-MM-DD` (a `date` is written that way); msisdn is sent as given (256...).
    """

    model_config = ConfigDict(populate_by_name=True, frozen=True, extra="forbid")

    collection_account: str | None = Field(None, alias="collectionAccount")
    payment_provider: str | None = Field(None, alias="paymentProvider")
    type: str | None = None
    status: str | None = None
    msisdn: str | None = None
    transaction_date: date | str | None = Field(None, alias="transactionDate")
    min_date: date | str | None = Field(None, alias="minDate")
    max_date: date | str | None = Field(None, alias="maxDate")
    currency: str | None = None
    amount: int | None = None
    min_amount: int | None = Field(None, alias="minAmount")
    max_amount: int | None = Field(None, alias="maxAmount")
    sort: str | None = None
    direction: str | None = None
    page: int | None = None
    limit: int | None = None

    def params(self) -> dict[str, str]:
        """The query string: camelCase wire names, set filters only."""
        return {
            key: str(value)
            for key, value in self.model_dump(mode="json", by_alias=True, exclude_none=True).items()
        }


# -- SMS -------------------------------------------------------------------------------------


class SmsRequest(Loose):
    account_code: str
    transaction_id: str
    to: str
    text: str


class SmsStatus(Loose):
    code: int | None = None
    name: str = ""
    description: str = ""


class SmsMessage(Loose):
    to: str
    message_id: str = Field(
        "",
        validation_alias=AliasChoices("messageId", "message_id"),
        serialization_alias="messageId",
    )
    status: SmsStatus = Field(default_factory=SmsStatus)


class SmsResult(Loose):
    status: str
    transaction_id: str = ""
    sms_charge_rate: float | None = None
    message: str = ""
    messages: list[SmsMessage] = Field(default_factory=list)
