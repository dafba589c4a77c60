"""Models of the UMS API. Wire names kept exactly as documented, misspellings included
(`massage`, `tranasaction_request_id`, `recepient`, `Sender_Id`, `ComapanyName`); Python names
are clean. Success codes arrive as strings ("200"), STK ResponseCode as a number."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field

Text = Annotated[str, BeforeValidator(lambda v: "" if v is None else str(v))]
Number = Annotated[float, BeforeValidator(lambda v: float(str(v).strip() or 0))]

# The document's ResponseCode table, worded for a customer at the counter.
STK_RESPONSE_CODES: dict[int, str] = {
    0: "Payment request accepted; waiting for the customer to enter the M-Pesa PIN.",
    1: "The customer's M-Pesa balance is insufficient.",
    1001: "The customer already has another M-Pesa transaction in progress; wait a minute and retry.",
    1019: "The payment request expired before the customer answered.",
    1025: "M-Pesa could not send the payment request; try again.",
    1031: "The customer cancelled the payment request.",
    1032: "The customer cancelled the payment request.",
    1037: "The customer's phone could not be reached (off or out of coverage).",
    2001: "The M-Pesa initiator information is invalid; call support.",
    9999: "M-Pesa could not send the payment request; try again.",
}


class Wire(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class SmsSend(Wire):
    api_key: str
    email: str
    sender_id: str = Field("UMS_SMS", alias="Sender_Id")
    message: str
    phone: str


class SmsSent(Wire):
    success: Text = ""
    message: str = Field("", alias="massage")
    request_id: Text = ""


class SmsBalance(Wire):
    success: Text = ""
    credit_balance: int = Field(0, alias="creditBalance")


class SmsDelivery(Wire):
    result_code: Text = Field("", alias="ResultCode")
    request_id: Text = ""
    submitted_time: str = ""
    send_time: str = ""
    sender_id: str = ""
    recipient: str = Field("", alias="recepient")
    sms_unit: int = 0
    sms_length: int = 0
    sms_type: str = ""
    message: str = ""
    status: str = ""


class StkRequest(Wire):
    api_key: str
    email: str
    account_id: str
    amount: Text
    msisdn: str
    reference: str = ""


class StkInitiated(Wire):
    success: Text = ""
    message: str = Field("", alias="massage")
    transaction_request_id: Text = Field("", alias="tranasaction_request_id")


class StkDump(Wire):
    """The callback/"dump" of a finished STK push (success or error)."""

    response_code: int = Field(0, alias="ResponseCode")
    response_description: str = Field("", alias="ResponseDescription")
    merchant_request_id: str = Field("", alias="MerchantRequestID")
    checkout_request_id: str = Field("", alias="CheckoutRequestID")
    transaction_id: str = Field("", alias="TransactionID")
    amount: Number = Field(0, alias="TransactionAmount")
    receipt: str = Field("", alias="TransactionReceipt")
    date: Text = Field("", alias="TransactionDate")
    reference: Text = Field("", alias="TransactionReference")
    msisdn: Text = Field("", alias="Msisdn")


class StatusRequest(Wire):
    api_key: str
    email: str
    transaction_request_id: str = Field(
        alias="tranasaction_request_id",
        validation_alias=AliasChoices("tranasaction_request_id", "tranasaction_request_id "),
    )


class StkStatus(Wire):
    result_code: Text = Field("", alias="ResultCode")
    result_desc: str = Field("", alias="ResultDesc")
    transaction_id: Text = Field("", alias="TransactionID")
    status: str = Field("", alias="TransactionStatus")
    transaction_code: Text = Field("", alias="TransactionCode")
    receipt: str = Field("", alias="TransactionReceipt")
    amount: Number = Field(0, alias="TransactionAmount")
    msisdn: Text = Field("", alias="Msisdn")
    date: Text = Field("", alias="TransactionDate")
    reference: Text = Field("", alias="TransactionReference")

    @property
    def final(self) -> bool:
        return self.status.lower() in ("completed", "failed", "cancelled")

    @property
    def completed(self) -> bool:
        return self.status.lower() == "completed"

    @property
    def explanation(self) -> str:
        try:
            code = int(self.transaction_code)
        except ValueError:
            return self.result_desc
        return STK_RESPONSE_CODES.get(code, self.result_desc)


class HotspotPlan(Wire):
    plan_code: str = Field(alias="planCode")
    price: Number = 0
    numeric_expiration: Text = Field("", alias="numericExpiration")
    string_expiration: str = Field("", alias="stringExpiration")
    plan_type: str = Field("", alias="planType")
    connection_type: str = Field("", alias="connectionType")
    validity_period: str = Field("", alias="validityPeriod")
    allowed_devices: Text = Field("", alias="allowedDevices")

    @property
    def label(self) -> str:
        size = f"{self.numeric_expiration}{self.string_expiration}".strip()
        return f"{self.connection_type}: {size}, valid {self.validity_period}"


class StationData(Wire):
    station_name: str = Field("", alias="stationName")
    station_location: str = Field("", alias="stationLocation")
    station_id: str = Field("", alias="stationId")
    customer_care: Text = Field("", alias="customerCare")
    plans: list[HotspotPlan] = Field(default_factory=list, alias="stationPackages")


class HotspotStation(Wire):
    result_code: Text = Field("", alias="ResultCode")
    message: str = ""
    company_name: str = Field("", alias="ComapanyName")
    company_info: dict[str, Any] = Field(default_factory=dict, alias="CompanyInfo")
    station: StationData = Field(default_factory=StationData, alias="stationData")

    @property
    def plans(self) -> list[HotspotPlan]:
        return self.station.plans


class VoucherRegistered(Wire):
    result_code: Text = Field("", alias="ResultCode")
    message: str = ""
    voucher: str = Field("", alias="registeredVoucher")
    station_id: str = Field("", alias="stationId")
    station_name: str = Field("", alias="stationName")
    station_location: str = Field("", alias="stationLocation")
    plan_code: str = Field("", alias="planCode")
    plan_name: str = Field("", alias="planName")
    plan_price: Number = Field(0, alias="planPrice")
