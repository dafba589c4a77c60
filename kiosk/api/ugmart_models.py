"""Models of the Ugmart payment, balance, transaction and SMS endpoints.

Wire names are kept; Python names are clean through aliases (`currentPage` -> current_page).
The product endpoints' models are in catalog_models.py.
"""

from __future__ import annotations

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr

from kiosk.api.catalog_models import IdText, Loose


class LoginResult(Loose):
    token: SecretStr
    expires_in: int = 1800
    email: str = ""


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


class TransferResult(Loose):
    """Collection / payout answer: the body's status, or data.status when the data has one."""

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


class AccountValidation(Loose):
    valid: bool = False
    customer_name: str | None = None
    msisdn: str = ""


class CardPaymentSession(Loose):
    status: str
    message: str = ""
    transaction_id: IdText = ""
    payment_url: str = ""


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
    """Every documented filter of GET /transactions; only the ones set are sent."""

    model_config = ConfigDict(populate_by_name=True, frozen=True)

    collection_account: str | None = Field(None, alias="collectionAccount")
    payment_provider: str | None = Field(None, alias="paymentProvider")
    type: str | None = None
    status: str | None = None
    msisdn: str | None = None
    transaction_date: str | None = Field(None, alias="transactionDate")
    min_date: str | None = Field(None, alias="minDate")
    max_date: str | None = Field(None, alias="maxDate")
    currency: str | None = None
    amount: int | None = None
    min_amount: int | None = Field(None, alias="minAmount")
    max_amount: int | None = Field(None, alias="maxAmount")
    sort: str | None = None
    direction: str | None = None
    page: int | None = None
    limit: int | None = None

    def params(self) -> dict[str, str]:
        return {
            key: str(value)
            for key, value in self.model_dump(by_alias=True, exclude_none=True).items()
        }


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
