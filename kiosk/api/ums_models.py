"""Models of every UMS request and response: SMS, UMS Pay (M-Pesa STK push), ISP hotspot.

Wire names are kept exactly, misspellings included (`massage`, `tranasaction_request_id`,
`recepient`, `Sender_Id`, `ComapanyName`); Python names are clean, through aliases. Parsing is
loose: unknown fields are kept, numbers sent as strings are coerced, ids sent as numbers become
text. Secrets (the api key, a station's NAS password) are SecretStr and reach the wire only when
dumped with `WIRE` as context.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    SerializationInfo,
    field_serializer,
)

# Dump context that reveals secrets: for the request body and the documents' round trip only.
WIRE = {"reveal_secrets": True}

SMS_SINGLE_LENGTH = 160
SMS_PART_LENGTH = 153  # a longer message is split; each part gives up 7 characters to a header

# The document's ResponseCode table (and the error dump's 1031), in words a customer follows.
STK_RESPONSE_CODES: dict[int, str] = {
    0: "Payment request accepted; waiting for the customer to confirm",
    1: "The M-Pesa balance is not enough for this payment",
    1001: "Another M-Pesa payment is already in progress on this phone; wait and try again",
    1019: "The payment request expired before it was answered",
    1025: "The payment request could not be sent to the phone",
    1031: "Request cancelled by user",
    1032: "Request cancelled by user",
    1037: "The customer's phone could not be reached",
    2001: "The payment details were not accepted (invalid initiator information)",
    9999: "The payment request could not be sent to the phone",
}

# TransactionStatus values after which polling can stop; anything else (Pending, or a word
# the document does not show) keeps the payment open, so it is never taken as failed.
FINAL_STATUSES = frozenset({"completed", "failed", "cancelled", "canceled", "expired"})


def _text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value


def _whole(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() else value
    return value


# Codes and ids the service sends as strings ("200") but could send as numbers.
Text = Annotated[str, BeforeValidator(_text)]
# Amounts and counts the service sends as numbers or as strings ("10", "10.00").
Whole = Annotated[int, BeforeValidator(_whole)]


def sms_units(message: str) -> int:
    """Credit units a message costs: one up to 160 characters, else one per 153."""
    if len(message) <= SMS_SINGLE_LENGTH:
        return 1
    return -(-len(message) // SMS_PART_LENGTH)


def stk_message(code: int | None, fallback: str = "") -> str:
    """Customer-facing words for an STK ResponseCode; the server's own text when unknown."""
    if code is not None and code in STK_RESPONSE_CODES:
        return STK_RESPONSE_CODES[code]
    return fallback or f"M-Pesa answered with code {code}"


def _massage() -> Any:
    """The service's `massage` (sic); a corrected `message` is read too."""
    return Field(
        "", validation_alias=AliasChoices("massage", "message"), serialization_alias="massage"
    )


class _Loose(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


def _reveal(value: SecretStr, info: SerializationInfo) -> str | SecretStr:
    context = info.context or {}
    return value.get_secret_value() if context.get("reveal_secrets") else value


# -- requests --------------------------------------------------------------------------------


class UmsAuth(_Loose):
    """Every UMS request carries the account's api key and login email in its body."""

    api_key: SecretStr
    email: str

    @field_serializer("api_key")
    def _api_key(self, value: SecretStr, info: SerializationInfo) -> str | SecretStr:
        return _reveal(value, info)

    def wire(self) -> dict[str, Any]:
        """The JSON body exactly as the service expects it, secrets included."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True, context=WIRE)


class SmsRequest(UmsAuth):
    sender_id: str = Field("UMS_SMS", alias="Sender_Id")
    message: str
    phone: str


class SmsBalanceRequest(UmsAuth):
    pass


class SmsDeliveryRequest(UmsAuth):
    request_id: Text


class StkRequest(UmsAuth):
    account_id: str
    amount: Whole
    msisdn: str
    reference: str | None = None

    @field_serializer("amount")
    def _amount(self, value: int) -> str:
        # The document's example sends the amount as a string.
        return str(value)


class TransactionStatusRequest(UmsAuth):
    # The document's example key has a trailing space; the real field has none.
    transaction_request_id: Text = Field(
        validation_alias=AliasChoices(
            "tranasaction_request_id",
            "tranasaction_request_id ",
            "transaction_request_id",
        ),
        serialization_alias="tranasaction_request_id",
    )


class HotspotPlansRequest(UmsAuth):
    station_id: str


class RegisterVoucherRequest(UmsAuth):
    plan_code: str
    voucher_code: str


# -- SMS responses ---------------------------------------------------------------------------


class SmsSent(_Loose):
    success: Text = "200"
    message: str = _massage()
    request_id: Text


class SmsBalance(_Loose):
    success: Text = "200"
    credit_balance: Whole = Field(alias="creditBalance")


class SmsDelivery(_Loose):
    result_code: Text = Field("200", alias="ResultCode")
    request_id: Text
    submitted_time: str = ""
    send_time: str = ""
    sender_id: str = ""
    recipient: str = Field("", alias="recepient")
    sms_unit: Whole = 0
    sms_length: Whole = 0
    sms_type: str = ""
    message: str = ""
    status: str = ""

    @property
    def delivered(self) -> bool:
        return self.status.strip().lower() == "delivered"


# -- UMS Pay (M-Pesa STK push) ---------------------------------------------------------------


class StkInitiated(_Loose):
    success: Text = "200"
    message: str = _massage()
    transaction_request_id: Text = Field(
        validation_alias=AliasChoices("tranasaction_request_id", "transaction_request_id"),
        serialization_alias="tranasaction_request_id",
    )


class StkDump(_Loose):
    """The document's success and error dumps: what a UMS Pay webhook delivers."""

    response_code: Whole = Field(alias="ResponseCode")
    response_description: str = Field("", alias="ResponseDescription")
    merchant_request_id: Text = Field("", alias="MerchantRequestID")
    checkout_request_id: Text = Field("", alias="CheckoutRequestID")
    transaction_id: Text = Field("", alias="TransactionID")
    amount: Whole | None = Field(None, alias="TransactionAmount")
    receipt: Text | None = Field(None, alias="TransactionReceipt")
    date: Text | None = Field(None, alias="TransactionDate")
    reference: Text = Field("", alias="TransactionReference")
    msisdn: Text = Field("", alias="Msisdn")

    @property
    def completed(self) -> bool:
        return self.response_code == 0

    @property
    def explanation(self) -> str:
        return stk_message(self.response_code, self.response_description)


class StkStatus(_Loose):
    result_code: Text = Field("200", alias="ResultCode")
    result_desc: str = Field("", alias="ResultDesc")
    transaction_id: Text = Field("", alias="TransactionID")
    status: str = Field("", alias="TransactionStatus")
    transaction_code: Text = Field("", alias="TransactionCode")
    receipt: Text = Field("", alias="TransactionReceipt")
    amount: Whole | None = Field(None, alias="TransactionAmount")
    msisdn: Text = Field("", alias="Msisdn")
    date: Text = Field("", alias="TransactionDate")
    reference: Text = Field("", alias="TransactionReference")

    @property
    def final(self) -> bool:
        """Polling may stop: the payment is settled one way or the other."""
        return self.status.strip().lower() in FINAL_STATUSES

    @property
    def completed(self) -> bool:
        return self.status.strip().lower() == "completed"

    @property
    def response_code(self) -> int | None:
        """The M-Pesa ResponseCode behind the status (TransactionCode), when one is given."""
        code = self.transaction_code.strip()
        return int(code) if code.lstrip("-").isdigit() else None

    @property
    def explanation(self) -> str:
        if not self.final:
            return "Waiting for the customer to answer the M-Pesa prompt"
        if self.completed:
            return "Payment received"
        return stk_message(self.response_code, self.result_desc or self.status)


# -- ISP hotspot -----------------------------------------------------------------------------


class HotspotPlan(_Loose):
    plan_code: str = Field(alias="planCode")
    price: Whole
    numeric_expiration: Whole | None = Field(None, alias="numericExpiration")
    string_expiration: str = Field("", alias="stringExpiration")
    plan_type: str = Field("", alias="planType")
    connection_type: str = Field("", alias="connectionType")
    validity_period: str = Field("", alias="validityPeriod")
    allowed_devices: Whole | None = Field(None, alias="allowedDevices")

    @property
    def label(self) -> str:
        """`5 Mbps for 1 Hour`, `30 Minutes`: what the plan gives, in the plan's own words."""
        size = f"{self.numeric_expiration or ''}{self.string_expiration}".strip()
        validity = self.validity_period.strip()
        if not size or size.lower() == validity.lower():
            return validity or self.plan_code
        return f"{size} for {validity}" if validity else size


class CompanyContact(_Loose):
    email: str = Field("", alias="Email")
    phone: Text = Field("", alias="Phone")


class CompanyInfo(_Loose):
    address: str = Field("", alias="Address")
    contact: CompanyContact = Field(default_factory=CompanyContact, alias="Contact")
    logo: str = Field("", alias="Logo")
    description: str = Field("", alias="Description")
    website: str = Field("", alias="Website")
    primary_color: str = Field("", alias="primaryColor")
    secondary_color: str = Field("", alias="secondaryColor")


class StationData(_Loose):
    station_name: str = Field("", alias="stationName")
    station_location: str = Field("", alias="stationLocation")
    station_pool: str = Field("", alias="stationPool")
    remote_ip: str = Field("", alias="remoteIp")
    nas_password: SecretStr | None = Field(None, alias="nasPassword")
    local_ip: str = Field("", alias="localIp")
    domain_name: str = Field("", alias="domainName")
    station_id: str = Field("", alias="stationId")
    customer_care: Text = Field("", alias="customerCare")
    packages: list[HotspotPlan] = Field(default_factory=list, alias="stationPackages")

    @field_serializer("nas_password")
    def _nas_password(
        self, value: SecretStr | None, info: SerializationInfo
    ) -> str | SecretStr | None:
        return None if value is None else _reveal(value, info)


class HotspotStation(_Loose):
    result_code: Text = Field("200", alias="ResultCode")
    message: str = ""
    company_name: str = Field("", alias="ComapanyName")
    company_info: CompanyInfo = Field(default_factory=CompanyInfo, alias="CompanyInfo")
    station: StationData = Field(default_factory=StationData, alias="stationData")

    @property
    def plans(self) -> list[HotspotPlan]:
        return self.station.packages


class VoucherRegistered(_Loose):
    result_code: Text = Field("200", alias="ResultCode")
    message: str = ""
    voucher: str = Field(alias="registeredVoucher")
    station_id: str = Field("", alias="stationId")
    station_name: str = Field("", alias="stationName")
    station_location: str = Field("", alias="stationLocation")
    plan_code: str = Field("", alias="planCode")
    plan_name: str = Field("", alias="planName")
    plan_price: Whole | None = Field(None, alias="planPrice")
