"""A fake Ugmart that behaves like the document: state, rules and the documented messages.

Deterministic rules the tests and a curious user can rely on:
- log in with jane.doe@domain.com / password; tokens expire `token_ttl` seconds after login
  (by the injected `clock`); an expired one answers 401 "Expired JWT. Please renew it".
- AIRTIME/INTERNET recipients are Ugandan mobile numbers (07XXXXXXXX or 2567XXXXXXXX); other
  products know only the accounts of their catalog (the documents' examples).
- details: billable non-airtime products need `contact_phone`; a product whose main choice
  list offers Bouquet/TopUp needs `purchase_mode` (Bouquet buys a bouquet code, TopUp the main
  code), any other main choice list is an area (`area_id`, e.g. NWSC); a bouquet needs a
  `period` from its own period list (the product's first, or the one the document names for
  it: GOtv:GOLITE GOtv.Period2, GOtv:GOHAN GOtv.Period3), and a product with a secondary list
  (DStv) needs `feature` Yes/No, plus `secondary_product_code` with Yes.
- amounts: a price-list item costs exactly its price, times the period's price, plus the
  secondary product before the multiplication (DStv Access x 1 month = 33,000; with HDPVR
  74,250); any other amount is at least the product's `price` and at least a positive
  validated `balance`. Every purchase costs the float amount + tariff_charge.
- collections settle `collection_delay` seconds after the request: a number ending in 0001
  fails, one ending in 0002 is cancelled by the subscriber, any other completes and credits
  the wallet with amount - charge.
- a money-moving `transaction_id` seen before is answered with the original result and never
  charged again ("auto" makes the sandbox choose one); reused by another kind of request it
  is refused (400).
- card payments stay PENDING until the payer picks an outcome on the `payment_url` page (or a
  test calls `finish_card`); the callback_url is then called with the documented query.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import math
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

import httpx

from kiosk.sandbox import seed
from kiosk.sandbox.catalog import Catalog

EMAIL = "jane.doe@domain.com"
PASSWORD = "password"
UG_MOBILE = re.compile(r"^(?:0|256)7\d{8}$")
SORTS = {"transactionDate": "transaction_date", "amount": "amount", "charge": "charge"}
SMS_CHARGE_RATE = 30
SMS_MINIMUM_FLOAT = 3000
PAYOUT_CHARGE = 1000
COLLECTION_RATE = 0.025
MODES = {"Bouquet", "TopUp"}
KAMPALA = timezone(timedelta(hours=3))
CALLBACK_TIMEOUT = 5.0
EXPIRED = "Expired JWT. Please renew it"


class Refused(Exception):
    """A request the sandbox answers with an error status and the documented body."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra

    def body(self) -> dict[str, Any]:
        if self.status == 401:
            return {"code": 401, "message": self.message}
        return {"code": self.status, "status": "FAILED", "message": self.message, **self.extra}


@dataclass
class Committed:
    """A purchase the sandbox charged: what was asked and what was answered."""

    request: dict[str, Any]
    response: dict[str, Any]

    @property
    def transaction_id(self) -> str:
        return str(self.request["transaction_id"])

    @property
    def amount(self) -> int:
        return int(self.request["amount"])


@dataclass
class UgmartSandbox:
    catalog: Catalog = field(default_factory=Catalog.documents)
    email: str = EMAIL
    password: str = PASSWORD
    token_ttl: float = 1800.0
    collection_delay: float = 5.0
    clock: Callable[[], float] = time.time
    accounts: dict[str, dict[str, Any]] = field(
        default_factory=lambda: json.loads(json.dumps(seed.COLLECTION_ACCOUNTS))
    )
    transactions: list[dict[str, Any]] = field(
        default_factory=lambda: json.loads(json.dumps(seed.EXAMPLE_TRANSACTIONS))
    )
    purchases: list[Committed] = field(default_factory=list)
    callbacks: list[str] = field(default_factory=list)
    # Where card callbacks go; None means the real network (served sandbox).
    callback_transport: httpx.AsyncBaseTransport | None = None
    _tokens: dict[str, float] = field(default_factory=dict)
    _results: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    _settle_at: dict[str, tuple[float, str]] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1513950000))

    # -- helpers for tests -----------------------------------------------------------------

    def set_balance(self, account_code: str, currency: str, amount: float) -> None:
        self.accounts[account_code]["wallets"][currency] = float(amount)

    def wallet(self, account_code: str, currency: str = "UGX") -> float:
        return self.accounts[account_code]["wallets"][currency]

    def charges_for(self, transaction_id: str) -> int:
        return sum(1 for p in self.purchases if p.transaction_id == transaction_id)

    # -- auth ------------------------------------------------------------------------------

    def login(self, body: dict[str, Any]) -> dict[str, Any]:
        if not body.get("email") or not body.get("password"):
            raise Refused(400, "Please provide a value for the 'email' and 'password' parameters")
        if body.get("email") != self.email or body.get("password") != self.password:
            raise Refused(
                401, "Bad credentials, please verify that your email/password are correct"
            )
        now = self.clock()
        token = ".".join(
            (
                _b64({"alg": "RS256", "typ": "JWS"}),
                _b64(
                    {"exp": int(now + self.token_ttl), "username": self.email, "iat": str(int(now))}
                ),
                secrets.token_urlsafe(64),
            )
        )
        self._tokens[token] = now + self.token_ttl
        return {"token": token, "expires_in": int(self.token_ttl), "email": self.email}

    def check_token(self, authorization: str | None) -> None:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme != "Bearer" or not token.strip():
            raise Refused(401, "JWT Token not found")
        expires = self._tokens.get(token.strip())
        if expires is None:
            raise Refused(401, "Invalid JWT Token")
        if self.clock() >= expires:
            raise Refused(401, EXPIRED)

    # -- catalog ---------------------------------------------------------------------------

    def products(self, code: str | None) -> list[dict[str, Any]]:
        if not code:
            return self.catalog.products
        if code in self.catalog.price_lists:
            return self.catalog.price_lists[code]
        if self.catalog.product(code) is None:
            raise Refused(404, f"Product '{code}' does not exist")
        raise Refused(404, f"Product '{code}' has no price list")

    def choice_list(self, code: str, type_: str) -> list[dict[str, str]]:
        if self.catalog.product(code) is None:
            raise Refused(404, f"Product '{code}' does not exist")
        try:
            return self.catalog.choice_lists[(code, type_)]
        except KeyError:
            kind = f"'{type_}' choice list" if type_ else "choice list"
            raise Refused(404, f"Product '{code}' has no {kind}") from None

    def secondary_list(self, list_id: str, primary: str) -> list[dict[str, Any]]:
        if self.catalog.product(primary) is None:
            raise Refused(404, f"Product '{primary}' does not exist")
        try:
            return self.catalog.secondary_lists[(list_id, primary)]
        except KeyError:
            raise Refused(404, f"No list '{list_id}' for product '{primary}'") from None

    # -- validation ------------------------------------------------------------------------

    def _resolve(self, code: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
        if not code:
            raise Refused(400, "Please provide a value for the 'product_code' parameter")
        found = self.catalog.resolve(code)
        if found is None:
            raise Refused(404, f"Product '{code}' does not exist")
        if not found[0].get("available", True):
            raise Refused(422, f"{found[0]['name']} is not available at the moment")
        return found

    def _main_choices(self, code: str) -> set[str]:
        return {choice["id"] for choice in self.catalog.choice_lists.get((code, ""), [])}

    def _details(
        self, main: dict[str, Any], item: dict[str, Any] | None, details: dict[str, Any]
    ) -> None:
        """The details every request for this product must carry, from the catalog's shape."""
        if main["type"] not in ("AIRTIME", "INTERNET") and main.get("billable"):
            phone = str(details.get("contact_phone", "")).strip()
            if not phone:
                raise Refused(400, "Please provide a value for the 'contact_phone' parameter")
            if not UG_MOBILE.match(phone):
                raise Refused(400, f"The contact phone '{phone}' is not a valid mobile number")
        choices = self._main_choices(main["code"])
        if not choices:
            return
        if choices & MODES:
            mode = details.get("purchase_mode")
            if not mode:
                raise Refused(400, "Please provide a value for the 'purchase_mode' parameter")
            if mode not in choices:
                options = " or ".join(sorted(choices))
                raise Refused(400, f"Invalid purchase_mode '{mode}'. Use {options}")
            if mode == "Bouquet" and item is None:
                raise Refused(
                    400, f"Bouquet mode needs a bouquet code from the {main['name']} price list"
                )
            if mode == "TopUp" and item is not None:
                raise Refused(400, f"TopUp mode pays product '{main['code']}', not a bouquet")
            return
        area = details.get("area_id")
        if not area:
            raise Refused(400, "Please provide a value for the 'area_id' parameter")
        if area not in choices:
            raise Refused(400, f"Unknown area_id '{area}' for {main['name']}")

    def _account(self, main: dict[str, Any], msisdn: str) -> dict[str, Any]:
        if main["type"] in ("AIRTIME", "INTERNET"):
            if not UG_MOBILE.match(msisdn):
                raise Refused(400, f"The phone number '{msisdn}' is not valid for {main['name']}")
            return {}
        known = self.catalog.accounts.get(main["code"], {})
        if msisdn not in known:
            raise Refused(400, f"Account number '{msisdn}' is not valid for {main['name']}")
        return known[msisdn]

    def validate(self, body: dict[str, Any]) -> dict[str, Any]:
        main, item = self._resolve(str(body.get("product_code") or ""))
        msisdn = str(body.get("msisdn") or "").strip()
        if not msisdn:
            raise Refused(400, "Please provide a value for the 'msisdn' parameter")
        if body.get("amount") in (None, ""):
            raise Refused(400, "Please provide a value for the 'amount' parameter")
        details = body.get("details") or {}
        if not isinstance(details, dict):
            raise Refused(400, "The 'details' parameter must be an object")
        self._details(main, item, details)
        facts = self._account(main, msisdn)
        amount = _int(body.get("amount"))
        if item is None and amount < main["price"]:
            raise Refused(422, f"The minimum amount for {main['name']} is {main['price']:,} UGX")
        data: dict[str, Any] = {"valid": True, "msisdn": msisdn, **facts}
        if main.get("billable"):
            data["tariff_charge"] = self.catalog.tariffs.get(main["code"], 0)
        return data

    # -- purchase --------------------------------------------------------------------------

    def _expected(self, main: dict[str, Any], item: dict[str, Any], details: dict[str, Any]) -> int:
        """Bouquet x period, (bouquet + secondary) x period, or the item price."""
        price = float(item["price"])
        code = main["code"]
        secondary_list = self.catalog.secondary_product_lists.get(code)
        if secondary_list:
            price += self._secondary_price(code, secondary_list, details)
        if code in self.catalog.period_lists:
            period_code = str(details.get("period") or "")
            if not period_code:
                raise Refused(400, "Please provide a value for the 'period' parameter")
            # A bouquet's periods come from its own list (GOtv Lite: GOtv.Period2), the others'
            # from the product's first: a period of another list is refused, not repriced.
            list_id = self.catalog.period_list_of_item.get(
                item["code"], self.catalog.period_lists[code][0]
            )
            period = self.catalog.list_item(list_id, code, period_code)
            if period is None and any(
                self.catalog.list_item(other, code, period_code)
                for other in self.catalog.period_lists[code]
            ):
                raise Refused(400, f"Period '{period_code}' is not offered for {item['code']}")
            if period is None:
                raise Refused(400, f"Unknown subscription period '{period_code}'")
            price *= float(period["price"])
        return round(price)

    def _secondary_price(self, code: str, list_id: str, details: dict[str, Any]) -> float:
        feature = details.get("feature")
        allowed = {c["id"] for c in self.catalog.choice_lists.get((code, "features"), [])}
        if not feature:
            raise Refused(400, "Please provide a value for the 'feature' parameter")
        if feature not in (allowed or {"Yes", "No"}):
            raise Refused(400, f"Invalid feature '{feature}'. Use Yes or No")
        if feature != "Yes":
            return 0.0
        secondary_code = str(details.get("secondary_product_code") or "")
        if not secondary_code:
            raise Refused(400, "Please provide a value for the 'secondary_product_code' parameter")
        secondary = self.catalog.list_item(list_id, code, secondary_code)
        if secondary is None:
            raise Refused(400, f"Unknown secondary product '{secondary_code}'")
        return float(secondary["price"])

    def _replay(self, kind: str, body: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
        """The transaction id to use, and the original answer if this id was seen before."""
        txid = str(body.get("transaction_id") or "").strip()
        if not txid:
            raise Refused(400, "Please provide a value for the 'transaction_id' parameter")
        if txid == "auto":
            return self._auto_id(), None
        if txid in self._results:
            seen_kind, answer = self._results[txid]
            if seen_kind != kind:
                raise Refused(400, f"Duplicate transaction_id '{txid}'")
            return txid, answer
        if self._find(txid) is not None:
            raise Refused(400, f"Duplicate transaction_id '{txid}'")
        return txid, None

    def _auto_id(self) -> str:
        while True:
            txid = str(next(self._ids))
            if txid not in self._results and self._find(txid) is None:
                return txid

    def _remember(self, kind: str, txid: str, answer: dict[str, Any]) -> dict[str, Any]:
        self._results[txid] = (kind, answer)
        return answer

    def purchase(self, body: dict[str, Any]) -> dict[str, Any]:
        txid, seen = self._replay("purchase", body)
        if seen is not None:
            return seen
        account_code = str(body.get("account_code") or "")
        self._collection_account(account_code)
        main, item = self._resolve(str(body.get("product_code") or ""))
        facts = self.validate(body)
        details = body.get("details") or {}
        amount = _int(body.get("amount"))
        if item is not None:
            expected = self._expected(main, item, details)
            if amount != expected:
                raise Refused(
                    422, f"The amount {amount:,} does not match the price {expected:,} UGX"
                )
        else:
            arrears = facts.get("balance") or 0
            if arrears > 0 and amount < arrears:
                raise Refused(
                    422, f"The amount {amount:,} is less than the balance due of {arrears:,} UGX"
                )
        tariff = facts.get("tariff_charge", 0) or 0
        wallets = self.accounts[account_code]["wallets"]
        if wallets["UGX"] < amount + tariff:
            raise Refused(
                422,
                "Insufficient balance on your UGX wallet. "
                f"At least {amount + tariff:,} is required.",
            )
        wallets["UGX"] -= amount + tariff
        data = self._purchase_data(main, txid, body, facts, amount, tariff)
        result = {
            "code": 200,
            "status": "SUCCESS",
            "message": "Purchase completed successfully",
            "data": data,
        }
        self.purchases.append(Committed(request={**body, "transaction_id": txid}, response=result))
        self._record(
            txid,
            "PURCHASE",
            account_code,
            str(body.get("msisdn", "")),
            amount,
            tariff,
            "COMPLETE",
            str(body.get("description", "")),
            "ugmart_products",
        )
        return self._remember("purchase", txid, result)

    def _purchase_data(
        self,
        main: dict[str, Any],
        txid: str,
        body: dict[str, Any],
        facts: dict[str, Any],
        amount: int,
        tariff: float,
    ) -> dict[str, Any]:
        msisdn = str(body.get("msisdn", ""))
        name = str(facts.get("customer_name", "")).split(",")[0]
        data: dict[str, Any] = {
            "transaction_id": txid,
            "msisdn": msisdn,
            "description": body.get("description") or main["name"],
            "product_type": main["type"],
            "memo": "SUCCESS",
            "provider_transaction_id": 5038000000 + len(self.purchases),
        }
        if main["type"] in ("AIRTIME", "INTERNET"):
            return data
        data["tariff_charge"] = tariff
        details: dict[str, Any] = {}
        if facts.get("customer_name"):
            details["customer_name"] = facts["customer_name"]
        receipt = str(779700000 + len(self.purchases))
        area = (body.get("details") or {}).get("area_id")
        if main["type"] == "UTILITIES" and not area:
            token = _token_digits(txid)
            grouped = " ".join(token[i : i + 4] for i in range(0, 20, 4))
            # The document's example: UGX 1,500 buys a token worth 1,292.15 (taxes off).
            token_value = round(amount * 1292.15 / 1500, 2)
            units = round(token_value / 685.60, 1)
            details.update(
                receipt_number=receipt,
                token=grouped,
                token_value=f"{token_value:.2f}",
                units=units,
                debt_recovery=0,
                description=f"{units} KWh at UGX 685.60 per KWh",
            )
            data["memo"] = f"{name} : {grouped} ({units} Units, DebtRecovery: 0)"
        elif main["type"] == "UTILITIES":
            details.update(
                receipt_number=receipt, description=f"{name} {msisdn} {area}", area_id=area
            )
            data["memo"] = f"{name} (Area: {area}, Receipt: {receipt})"
        else:
            suffix = f" : {name}" if name else ""
            data["memo"] = f"Account Number {msisdn} topped up successfully{suffix}"
            if main["type"] == "TAXES":
                details["receipt_number"] = receipt
        if details:
            data["details"] = details
        return data

    # -- money -----------------------------------------------------------------------------

    def _collection_account(self, code: str) -> dict[str, Any]:
        if not code:
            raise Refused(400, "Please provide a value for the 'account_code' parameter")
        if code not in self.accounts:
            raise Refused(
                404,
                f"Collection Account with code '{code}' does not exist in your profile",
                data=[],
            )
        return self.accounts[code]

    def _record(
        self,
        txid: str,
        type_: str,
        account_code: str,
        msisdn: str,
        amount: float,
        charge: float,
        status: str,
        description: str,
        provider: str,
        currency: str = "UGX",
        application: str = "Kiosk",
    ) -> dict[str, Any]:
        account = self.accounts.get(account_code, {"account_name": ""})
        stamp = _stamp(self.clock())
        row = {
            "transaction_id": txid,
            "collection_account": {
                "account_code": account_code,
                "account_name": account["account_name"],
            },
            "payment_provider": {"name": _provider_name(provider), "code": provider},
            "type": type_,
            "msisdn": msisdn,
            "currency": currency,
            "application": application,
            "description": description,
            "amount": amount,
            "charge": charge,
            "status": status,
            "status_message": "Transaction completed successfully" if status == "COMPLETE" else "",
            "transaction_date": stamp,
            "completed_on": stamp if status != "PENDING" else None,
        }
        self.transactions.append(row)
        return row

    def _money_fields(self, body: dict[str, Any], *names: str) -> None:
        for name in names:
            if body.get(name) in (None, ""):
                raise Refused(400, f"Please provide a value for the '{name}' parameter")

    def collection(self, body: dict[str, Any]) -> dict[str, Any]:
        self._money_fields(
            body,
            "account_code",
            "transaction_id",
            "provider_id",
            "msisdn",
            "currency",
            "amount",
            "application",
            "description",
        )
        txid, seen = self._replay("collection", body)
        if seen is not None:
            return seen
        self._collection_account(str(body["account_code"]))
        provider = str(body["provider_id"])
        msisdn = str(body["msisdn"])
        if provider not in ("mtn_mobile_money", "airtel_money"):
            raise Refused(400, f"'{provider}' does not support collections")
        if not _matches_provider(msisdn, provider):
            raise Refused(
                400, f"The phone number '{msisdn}' is not valid for {_provider_name(provider)}."
            )
        if body["currency"] != "UGX":
            raise Refused(
                422,
                f"{_provider_name(provider)} does not support the '{body['currency']}' currency.",
            )
        amount = _int(body["amount"])
        if amount <= 0:
            raise Refused(422, f"The amount {amount:,} is not a positive amount")
        charge = round(amount * COLLECTION_RATE, 2)
        self._record(
            txid,
            "COLLECTION",
            str(body["account_code"]),
            msisdn,
            amount,
            charge,
            "PENDING",
            str(body["description"]),
            provider,
            application=str(body["application"]),
        )
        self._settle_at[txid] = (self.clock() + self.collection_delay, _collection_outcome(msisdn))
        answer = {
            "code": 200,
            "status": "SUCCESS",
            "message": "Collection request accepted!",
            "data": {
                "transaction_id": txid,
                "external_transaction_id": f"TT{txid}",
                "msisdn": msisdn,
                "status": "PENDING",
                "amount": amount,
                "currency": "UGX",
                "transaction_charge": charge,
                "provider_id": provider,
                "description": body["description"],
            },
        }
        return self._remember("collection", txid, answer)

    def payout(self, body: dict[str, Any]) -> dict[str, Any]:
        self._money_fields(
            body,
            "account_code",
            "transaction_id",
            "msisdn",
            "currency",
            "amount",
            "application",
            "description",
            "recipient_name",
        )
        txid, seen = self._replay("payout", body)
        if seen is not None:
            return seen
        account = self._collection_account(str(body["account_code"]))
        msisdn = str(body["msisdn"])
        provider = _provider_of(msisdn)
        if provider is None:
            raise Refused(400, f"The phone number '{msisdn}' is not a mobile money number.")
        if body["currency"] != "UGX":
            raise Refused(
                422,
                f"{_provider_name(provider)} does not support the '{body['currency']}' currency.",
            )
        amount = _int(body["amount"])
        if amount <= 0:
            raise Refused(422, f"The amount {amount:,} is not a positive amount")
        if account["wallets"]["UGX"] < amount + PAYOUT_CHARGE:
            raise Refused(
                422,
                "Insufficient balance on your UGX wallet. "
                f"At least {amount + PAYOUT_CHARGE:,} is required.",
            )
        account["wallets"]["UGX"] -= amount + PAYOUT_CHARGE
        description = f"{body['recipient_name']} ({body['description']})"
        self._record(
            txid,
            "PAYOUT",
            str(body["account_code"]),
            msisdn,
            amount,
            PAYOUT_CHARGE,
            "COMPLETE",
            description,
            provider,
            application=str(body["application"]),
        )
        answer = {
            "code": 200,
            "status": "SUCCESS",
            "message": "Transaction completed successfully",
            "data": {
                "transaction_id": txid,
                "msisdn": msisdn,
                "amount": amount,
                "currency": "UGX",
                "transaction_charge": PAYOUT_CHARGE,
                "provider_id": provider,
                "description": description,
            },
        }
        return self._remember("payout", txid, answer)

    def validate_account(self, body: dict[str, Any]) -> dict[str, Any]:
        self._money_fields(body, "provider_id", "msisdn")
        provider = str(body["provider_id"])
        msisdn = str(body["msisdn"])
        if not _matches_provider(msisdn, provider):
            raise Refused(400, f"'{msisdn}' is not valid for {_provider_name(provider)}")
        name = seed.MOBILE_MONEY_NAMES.get(msisdn, f"CUSTOMER {msisdn[-4:]}")
        return {
            "code": 200,
            "status": "SUCCESS",
            "message": "CUSTOMER VALIDATED OK",
            "data": {"valid": True, "customer_name": name, "msisdn": msisdn},
        }

    def request_payment(self, body: dict[str, Any], base_url: str) -> dict[str, Any]:
        self._money_fields(
            body,
            "account_code",
            "transaction_id",
            "provider_id",
            "msisdn",
            "currency",
            "amount",
            "application",
            "description",
            "callback_url",
        )
        txid, seen = self._replay("card", body)
        if seen is not None:
            return seen
        self._collection_account(str(body["account_code"]))
        if body["provider_id"] != "visa_mastercard":
            raise Refused(400, f"'{body['provider_id']}' does not support card payments")
        if body["currency"] not in ("UGX", "USD"):
            raise Refused(
                422, f"VISA-MasterCard does not support the '{body['currency']}' currency."
            )
        row = self._record(
            txid,
            "COLLECTION",
            str(body["account_code"]),
            "VISA-MasterCard",
            _int(body["amount"]),
            0,
            "PENDING",
            str(body["description"]),
            "visa_mastercard",
            str(body["currency"]),
            application=str(body["application"]),
        )
        row["callback_url"] = str(body["callback_url"])
        answer = {
            "code": 200,
            "status": "PENDING",
            "message": "Transaction Initiated",
            "data": {"transaction_id": txid, "payment_url": f"{base_url}/visa-payment/{txid}"},
        }
        return self._remember("card", txid, answer)

    def settle_card(self, txid: str, status: str) -> str:
        """The card payer finished (SUCCESS, FAILED or CANCELLED): settle the transaction and
        return the callback URL the document says is called (see `finish_card` to call it)."""
        if status not in ("SUCCESS", "FAILED", "CANCELLED"):
            raise Refused(400, f"Unknown card payment outcome '{status}'")
        row = self._find(txid)
        if row is None or "callback_url" not in row:
            raise Refused(404, f"Transaction '{txid}' not found")
        if row["status"] == "PENDING":
            row["status"] = "COMPLETE" if status == "SUCCESS" else status
            row["status_message"] = {
                "SUCCESS": "Transaction completed successfully",
                "FAILED": "The card payment was declined",
                "CANCELLED": "Transaction has been cancelled",
            }[status]
            row["completed_on"] = _stamp(self.clock())
            if row["status"] == "COMPLETE":
                wallets = self.accounts[row["collection_account"]["account_code"]]["wallets"]
                wallets[row["currency"]] = wallets.get(row["currency"], 0.0) + row["amount"]
        outcome = "SUCCESS" if row["status"] == "COMPLETE" else row["status"]
        query = urlencode(
            {
                "code": 200 if outcome == "SUCCESS" else 400,
                "status": outcome,
                "message": row["status_message"],
                "data[transaction_id]": txid,
            }
        )
        base = row["callback_url"]
        url = f"{base}{'&' if '?' in base else '?'}{query}"
        self.callbacks.append(url)
        return url

    async def call_back(self, url: str) -> int | None:
        """Best effort, as a payment gateway does: the status code, or None if unreachable."""
        try:
            async with httpx.AsyncClient(
                transport=self.callback_transport, timeout=CALLBACK_TIMEOUT
            ) as client:
                return (await client.get(url)).status_code
        except httpx.HTTPError:
            return None

    async def finish_card(self, txid: str, status: str) -> str:
        """Test hook: the payer completes the card form, and the callback is delivered."""
        url = self.settle_card(txid, status)
        await self.call_back(url)
        return url

    def send_sms(self, body: dict[str, Any]) -> dict[str, Any]:
        self._money_fields(body, "account_code", "transaction_id", "to", "text")
        txid, seen = self._replay("sms", body)
        if seen is not None:
            return seen
        account = self._collection_account(str(body["account_code"]))
        to = str(body["to"])
        if not re.match(r"^256\d{9}$", to):
            raise Refused(
                400, f"The phone number '{to}' must be in international format, e.g. 256700392138"
            )
        parts = max(1, math.ceil(len(str(body["text"])) / 160))
        cost = parts * SMS_CHARGE_RATE
        if account["wallets"]["UGX"] < max(cost, SMS_MINIMUM_FLOAT):
            raise Refused(
                422,
                "SMS Credit Purchase failed. Insufficient Balance on your UGX wallet. "
                f"At least {max(cost, SMS_MINIMUM_FLOAT):,} is required.",
                sms_charge_rate=SMS_CHARGE_RATE,
            )
        if str(body["transaction_id"]).strip() == "auto":
            txid = f"SMS{txid}"
        account["wallets"]["UGX"] -= cost
        self._record(
            txid,
            "SMS",
            str(body["account_code"]),
            to,
            cost,
            0,
            "COMPLETE",
            str(body["text"])[:40],
            "sms",
        )
        answer = {
            "code": 200,
            "status": "SUCCESS",
            "transaction_id": txid,
            "sms_charge_rate": SMS_CHARGE_RATE,
            "messages": [
                {
                    "to": to,
                    "messageId": str(1522806820000 + len(self.transactions)),
                    "status": {"code": 4, "name": "SUCCESS", "description": "Message Sent"},
                }
            ],
        }
        return self._remember("sms", txid, answer)

    # -- reading ---------------------------------------------------------------------------

    def _settle_due(self) -> None:
        now = self.clock()
        for txid, (when, outcome) in list(self._settle_at.items()):
            if now < when:
                continue
            del self._settle_at[txid]
            row = self._find(txid)
            if row is None:
                continue
            row["status"] = outcome
            row["status_message"] = {
                "COMPLETE": "Transaction completed successfully",
                "FAILED": "The subscriber's account has insufficient funds",
                "CANCELLED": "Transaction has been cancelled by the subscriber",
            }[outcome]
            row["completed_on"] = _stamp(now)
            if outcome == "COMPLETE":
                code = row["collection_account"]["account_code"]
                self.accounts[code]["wallets"]["UGX"] += row["amount"] - row["charge"]

    def _find(self, txid: str) -> dict[str, Any] | None:
        return next((t for t in self.transactions if t["transaction_id"] == txid), None)

    def transaction(self, txid: str) -> dict[str, Any]:
        self._settle_due()
        row = self._find(txid)
        if row is None:
            raise Refused(404, f"Transaction '{txid}' not found")
        return _public(row)

    def list_transactions(self, query: dict[str, str]) -> dict[str, Any]:
        self._settle_due()
        rows = list(enumerate(self.transactions))
        account = query.get("collectionAccount")
        if account:
            self._collection_account(account)
            rows = [(i, r) for i, r in rows if r["collection_account"]["account_code"] == account]
        exact = {
            "paymentProvider": lambda r: r["payment_provider"]["code"],
            "type": lambda r: r["type"],
            "status": lambda r: r["status"],
            "msisdn": lambda r: r["msisdn"],
            "currency": lambda r: r["currency"],
        }
        for name, get in exact.items():
            if query.get(name):
                rows = [(i, r) for i, r in rows if str(get(r)) == query[name]]
        for name, keep in (
            ("transactionDate", date.__eq__),
            ("minDate", date.__ge__),
            ("maxDate", date.__le__),
        ):
            if query.get(name):
                limit_day = _day(name, query[name])
                rows = [(i, r) for i, r in rows if keep(_local_day(r), limit_day)]
        for name, test in (
            ("amount", float.__eq__),
            ("minAmount", float.__ge__),
            ("maxAmount", float.__le__),
        ):
            if query.get(name):
                limit = float(_int(query[name]))
                rows = [(i, r) for i, r in rows if test(float(r["amount"]), limit)]
        sort = query.get("sort") or "transactionDate"
        if sort not in SORTS:
            raise Refused(
                400, f"Invalid sort field '{sort}'. Use transactionDate, amount or charge"
            )
        direction = (query.get("direction") or "DESC").upper()
        if direction not in ("ASC", "DESC"):
            raise Refused(400, "Invalid sort direction. Use ASC or DESC")
        field_name = SORTS[sort]

        def key(pair: tuple[int, dict[str, Any]]) -> tuple[Any, int]:
            index, row = pair
            value = row[field_name]
            if field_name == "transaction_date":
                value = datetime.fromisoformat(value)
            # Ties keep the order of arrival (newest first when descending).
            return value, index

        rows.sort(key=key, reverse=direction == "DESC")
        page = _int(query.get("page") or 1)
        limit = _int(query.get("limit") or 20)
        if page < 1 or limit < 1:
            raise Refused(400, "The 'page' and 'limit' parameters must be at least 1")
        start = (page - 1) * limit
        data = [_public(r) for _, r in rows[start : start + limit]]
        return {"currentPage": page, "itemsPerPage": limit, "totalItems": len(rows), "data": data}

    def balances(self, code: str | None = None) -> Any:
        self._settle_due()

        def view(account_code: str) -> dict[str, Any]:
            account = self._collection_account(account_code)
            wallets = [
                {"currency": c, "balance": round(b, 2)} for c, b in account["wallets"].items()
            ]
            return {
                "account_code": account_code,
                "account_name": account["account_name"],
                "wallets": wallets,
            }

        return view(code) if code else [view(c) for c in self.accounts]


def _b64(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def _stamp(epoch: float) -> str:
    """Ugmart's timestamps are Kampala time with the offset, e.g. 2017-12-15T09:13:39+03:00."""
    return datetime.fromtimestamp(epoch, UTC).astimezone(KAMPALA).isoformat(timespec="seconds")


def _local_day(row: dict[str, Any]) -> date:
    return datetime.fromisoformat(row["transaction_date"]).astimezone(KAMPALA).date()


def _day(name: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Refused(400, f"Invalid '{name}' value '{value}'. Use the format YYYY-MM-DD") from None


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "callback_url"}


def _token_digits(txid: str) -> str:
    """A 20-digit Yaka token that is the same every time for the same transaction."""
    digest = int.from_bytes(hashlib.sha256(txid.encode()).digest(), "big")
    return f"{digest % 10**20:020d}"


def _collection_outcome(msisdn: str) -> str:
    if msisdn.endswith("0001"):
        return "FAILED"
    if msisdn.endswith("0002"):
        return "CANCELLED"
    return "COMPLETE"


def _int(value: Any) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError, OverflowError):
        raise Refused(400, f"'{value}' is not a valid number") from None


_PREFIXES = {
    "airtel_money": ("25670", "25675", "25674"),
    "mtn_mobile_money": ("25677", "25678", "25676"),
    "smart_pesa": ("25672", "25673"),
}


def _provider_of(msisdn: str) -> str | None:
    return next((p for p, prefixes in _PREFIXES.items() if msisdn.startswith(prefixes)), None)


def _matches_provider(msisdn: str, provider: str) -> bool:
    return (
        len(msisdn) == 12
        and msisdn.isdigit()
        and msisdn.startswith(_PREFIXES.get(provider, ("-",)))
    )


def _provider_name(code: str) -> str:
    names = {p["code"]: p["name"] for p in seed.PROVIDERS}
    return names.get(code, {"ugmart_products": "Ugmart Products", "sms": "SMS"}.get(code, code))
