"""A fake Ugmart that behaves like the document: state, rules and the documented messages.

Deterministic rules the tests and a curious user can rely on:
- log in with jane.doe@domain.com / password; tokens expire after `token_ttl` seconds.
- AIRTIME/INTERNET recipients are Ugandan mobile numbers (07XXXXXXXX or 2567XXXXXXXX); other
  products know only the accounts of their catalog (the documents' examples).
- collections settle `collection_delay` seconds after the request: a number ending in 0001
  fails, one ending in 0002 is cancelled by the subscriber, any other completes.
- a purchase `transaction_id` seen before is answered with the original result and never
  charged again; "auto" makes the sandbox choose one.
"""

from __future__ import annotations

import base64
import itertools
import json
import math
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from kiosk.sandbox import seed
from kiosk.sandbox.catalog import Catalog

EMAIL = "jane.doe@domain.com"
PASSWORD = "password"
UG_MOBILE = re.compile(r"^(?:0|256)7\d{8}$")
SORTS = {"transactionDate": "transaction_date", "amount": "amount", "charge": "charge"}
SMS_CHARGE_RATE = 30


class Refused(Exception):
    """A request the sandbox answers with an error status and the documented body."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Committed:
    """A purchase the sandbox charged: what was asked and what was answered."""

    request: dict[str, Any]
    response: dict[str, Any]


@dataclass
class UgmartSandbox:
    catalog: Catalog = field(default_factory=Catalog.documents)
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
    _tokens: dict[str, float] = field(default_factory=dict)
    _results: dict[str, dict[str, Any]] = field(default_factory=dict)
    _settle_at: dict[str, tuple[float, str]] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1513950000))

    # -- helpers for tests -----------------------------------------------------------------

    def set_balance(self, account_code: str, currency: str, amount: float) -> None:
        self.accounts[account_code]["wallets"][currency] = float(amount)

    def wallet(self, account_code: str, currency: str = "UGX") -> float:
        return self.accounts[account_code]["wallets"][currency]

    def charges_for(self, transaction_id: str) -> int:
        return sum(1 for p in self.purchases if p.request["transaction_id"] == transaction_id)

    # -- auth ------------------------------------------------------------------------------

    def login(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("email") != EMAIL or body.get("password") != PASSWORD:
            raise Refused(401, "Invalid credentials.")
        header = base64.urlsafe_b64encode(b'{"alg":"RS256","typ":"JWS"}').rstrip(b"=").decode()
        token = f"{header}.{secrets.token_urlsafe(24)}.{secrets.token_urlsafe(32)}"
        self._tokens[token] = self.clock() + self.token_ttl
        return {"token": token, "expires_in": int(self.token_ttl), "email": EMAIL}

    def check_token(self, authorization: str | None) -> None:
        token = (authorization or "").removeprefix("Bearer ").strip()
        expires = self._tokens.get(token)
        if expires is None:
            raise Refused(401, "JWT Token not found")
        if self.clock() >= expires:
            raise Refused(401, "Expired JWT. Please renew it")

    # -- catalog ---------------------------------------------------------------------------

    def products(self, code: str | None) -> list[dict[str, Any]]:
        if not code:
            return self.catalog.products
        if code not in self.catalog.price_lists:
            raise Refused(404, f"Product '{code}' has no price list")
        return self.catalog.price_lists[code]

    def choice_list(self, code: str, type_: str) -> list[dict[str, str]]:
        try:
            return self.catalog.choice_lists[(code, type_)]
        except KeyError:
            raise Refused(404, f"No choice list for product '{code}'") from None

    def secondary_list(self, list_id: str, primary: str) -> list[dict[str, Any]]:
        try:
            return self.catalog.secondary_lists[(list_id, primary)]
        except KeyError:
            raise Refused(404, f"No list '{list_id}' for product '{primary}'") from None

    # -- validation ------------------------------------------------------------------------

    def _resolve(self, code: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
        found = self.catalog.resolve(code or "")
        if found is None:
            raise Refused(404, f"Product '{code}' does not exist")
        if not found[0].get("available", True):
            raise Refused(422, f"{found[0]['name']} is not available at the moment")
        return found

    def _details(self, main: dict[str, Any], details: dict[str, Any]) -> None:
        code = main["code"]
        if main["type"] not in ("AIRTIME", "INTERNET") and main.get("billable"):
            if not str(details.get("contact_phone", "")).strip():
                raise Refused(400, "Please provide a value for the 'contact_phone' parameter")
            if not UG_MOBILE.match(str(details["contact_phone"])):
                raise Refused(400, f"The contact phone '{details['contact_phone']}' is not valid")
        areas = self.catalog.choice_lists.get((code, ""))
        if code in ("NWSC",) or (areas and not any(a["id"] == "Bouquet" for a in areas)):
            area = details.get("area_id")
            if not area:
                raise Refused(400, "Please provide a value for the 'area_id' parameter")
            if areas is not None and area not in {a["id"] for a in areas}:
                raise Refused(400, f"Unknown area '{area}'")
        elif areas:
            mode = details.get("purchase_mode")
            if mode not in {a["id"] for a in areas}:
                raise Refused(400, "Please provide a valid 'purchase_mode' (Bouquet or TopUp)")

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
        main, item = self._resolve(str(body.get("product_code", "")))
        msisdn = str(body.get("msisdn", "")).strip()
        if not msisdn:
            raise Refused(400, "Please provide a value for the 'msisdn' parameter")
        details = body.get("details") or {}
        self._details(main, details)
        facts = self._account(main, msisdn)
        amount = _int(body.get("amount"))
        if item is None and amount < main["price"]:
            raise Refused(400, f"The minimum amount for {main['name']} is {main['price']:,}")
        data: dict[str, Any] = {"valid": True, "msisdn": msisdn, **facts}
        if main.get("billable"):
            data["tariff_charge"] = self.catalog.tariffs.get(main["code"], 0)
        return data

    # -- purchase --------------------------------------------------------------------------

    def _expected(self, main: dict[str, Any], item: dict[str, Any], details: dict[str, Any]) -> int:
        """Bouquet x period, (bouquet + secondary) x period, or the item price."""
        price = float(item["price"])
        code = main["code"]
        if details.get("feature") == "Yes":
            secondary_list = self.catalog.secondary_product_lists.get(code, "")
            secondary = self.catalog.list_item(
                secondary_list, code, str(details.get("secondary_product_code", ""))
            )
            if secondary is None:
                raise Refused(400, "Please provide a valid 'secondary_product_code'")
            price += float(secondary["price"])
        if code in self.catalog.period_lists:
            period_code = str(details.get("period", ""))
            period = next(
                (
                    found
                    for list_id in self.catalog.period_lists[code]
                    if (found := self.catalog.list_item(list_id, code, period_code))
                ),
                None,
            )
            if period is None:
                raise Refused(400, "Please provide a valid subscription 'period'")
            price *= float(period["price"])
        return round(price)

    def purchase(self, body: dict[str, Any]) -> dict[str, Any]:
        txid = str(body.get("transaction_id") or "")
        if txid in self._results:
            return self._results[txid]
        if not txid or txid == "auto":
            txid = str(next(self._ids))
        account_code = str(body.get("account_code", ""))
        self._collection_account(account_code)
        main, item = self._resolve(str(body.get("product_code", "")))
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
        self._results[txid] = result
        self.purchases.append(Committed(request={**body, "transaction_id": txid}, response=result))
        self._record(
            txid,
            "PURCHASE",
            account_code,
            body.get("msisdn", ""),
            amount,
            tariff,
            "COMPLETE",
            str(body.get("description", "")),
            "ugmart_products",
        )
        return result

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
            "description": body.get("description", main["name"]),
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
        if main["type"] == "UTILITIES" and main["code"] != "NWSC":
            token = "".join(str(secrets.randbelow(10)) for _ in range(20))
            grouped = " ".join(token[i : i + 4] for i in range(0, 20, 4))
            units = round(amount / 685.60, 1)
            details.update(
                receipt_number=receipt,
                token=grouped,
                token_value=f"{amount * 0.8614:.2f}",
                units=units,
                debt_recovery=0,
                description=f"{units} KWh at UGX 685.60 per KWh",
            )
            data["memo"] = f"{name} : {grouped} ({units} Units, DebtRecovery: 0)"
        elif main["type"] == "UTILITIES":
            area = (body.get("details") or {}).get("area_id", "")
            details.update(
                receipt_number=receipt, area_id=area, description=f"{name} {msisdn} {area}"
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
        if code not in self.accounts:
            raise Refused(
                404, f"Collection Account with code '{code}' does not exist in your profile"
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
    ) -> dict[str, Any]:
        account = self.accounts.get(account_code, {"account_name": ""})
        stamp = datetime.fromtimestamp(self.clock(), UTC).astimezone().isoformat(timespec="seconds")
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
            "application": "Kiosk",
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

    def _new_txid(self, body: dict[str, Any]) -> str:
        txid = str(body.get("transaction_id") or "auto")
        if txid == "auto":
            return str(next(self._ids))
        if any(t["transaction_id"] == txid for t in self.transactions):
            raise Refused(400, f"Duplicate transaction_id '{txid}'")
        return txid

    def _money_fields(self, body: dict[str, Any], *names: str) -> None:
        for name in names:
            if body.get(name) in (None, ""):
                raise Refused(400, f"Please provide a value for the '{name}' parameter")

    def collection(self, body: dict[str, Any]) -> dict[str, Any]:
        self._money_fields(
            body,
            "account_code",
            "provider_id",
            "msisdn",
            "currency",
            "amount",
            "application",
            "description",
        )
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
        txid = self._new_txid(body)
        charge = round(amount * 0.025, 2)
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
        )
        outcome = (
            "FAILED"
            if msisdn.endswith("0001")
            else "CANCELLED"
            if msisdn.endswith("0002")
            else "COMPLETE"
        )
        self._settle_at[txid] = (self.clock() + self.collection_delay, outcome)
        return {
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

    def payout(self, body: dict[str, Any]) -> dict[str, Any]:
        self._money_fields(
            body,
            "account_code",
            "msisdn",
            "currency",
            "amount",
            "application",
            "description",
            "recipient_name",
        )
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
        charge = 1000
        if account["wallets"]["UGX"] < amount + charge:
            raise Refused(
                422,
                "Insufficient balance on your UGX wallet. "
                f"At least {amount + charge:,} is required.",
            )
        txid = self._new_txid(body)
        account["wallets"]["UGX"] -= amount + charge
        description = f"{body['recipient_name']} ({body['description']})"
        self._record(
            txid,
            "PAYOUT",
            str(body["account_code"]),
            msisdn,
            amount,
            charge,
            "COMPLETE",
            description,
            provider,
        )
        return {
            "code": 200,
            "status": "SUCCESS",
            "message": "Transaction completed successfully",
            "data": {
                "transaction_id": txid,
                "msisdn": msisdn,
                "amount": amount,
                "currency": "UGX",
                "transaction_charge": charge,
                "provider_id": provider,
                "description": description,
            },
        }

    def validate_account(self, body: dict[str, Any]) -> dict[str, Any]:
        provider = str(body.get("provider_id", ""))
        msisdn = str(body.get("msisdn", ""))
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
            "provider_id",
            "msisdn",
            "currency",
            "amount",
            "application",
            "description",
            "callback_url",
        )
        self._collection_account(str(body["account_code"]))
        if body["currency"] not in ("UGX", "USD"):
            raise Refused(
                422, f"VISA-MasterCard does not support the '{body['currency']}' currency."
            )
        txid = self._new_txid(body)
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
        )
        row["callback_url"] = body["callback_url"]
        return {
            "code": 200,
            "status": "PENDING",
            "message": "Transaction Initiated",
            "data": {"transaction_id": txid, "payment_url": f"{base_url}/visa-payment/{txid}"},
        }

    def settle_card(self, txid: str, status: str) -> str:
        """The card payer finished: returns the callback URL the document says is called."""
        row = self._find(txid)
        if row is None:
            raise Refused(404, f"Transaction '{txid}' not found")
        if row["status"] == "PENDING":
            row["status"] = {"SUCCESS": "COMPLETE"}.get(status, status)
            row["completed_on"] = row["transaction_date"]
            if row["status"] == "COMPLETE":
                self.accounts[row["collection_account"]["account_code"]]["wallets"][
                    row["currency"]
                ] += row["amount"]
        code = 200 if status == "SUCCESS" else 400
        url = (
            f"{row['callback_url']}?code={code}&status={status}&message=&"
            f"data[transaction_id]={txid}"
        )
        self.callbacks.append(url)
        return url

    def send_sms(self, body: dict[str, Any]) -> dict[str, Any]:
        self._money_fields(body, "account_code", "to", "text")
        account = self._collection_account(str(body["account_code"]))
        to = str(body["to"])
        if not re.match(r"^256\d{9}$", to):
            raise Refused(
                400, f"The phone number '{to}' must be in international format, e.g. 256700392138"
            )
        parts = max(1, math.ceil(len(str(body["text"])) / 160))
        cost = parts * SMS_CHARGE_RATE
        if account["wallets"]["UGX"] < max(cost, 3000):
            return_body = {
                "code": 422,
                "status": "FAILED",
                "sms_charge_rate": SMS_CHARGE_RATE,
                "message": "SMS Credit Purchase failed. Insufficient Balance on your "
                "UGX wallet. At least 3,000 is required.",
            }
            raise SmsRefused(return_body)
        txid = str(body.get("transaction_id") or "auto")
        txid = f"SMS{next(self._ids)}" if txid == "auto" else txid
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
        return {
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
            row["completed_on"] = (
                datetime.fromtimestamp(now, UTC).astimezone().isoformat(timespec="seconds")
            )
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
        return {k: v for k, v in row.items() if k != "callback_url"}

    def list_transactions(self, query: dict[str, str]) -> dict[str, Any]:
        self._settle_due()
        rows = [dict(t) for t in self.transactions]
        account = query.get("collectionAccount")
        if account:
            self._collection_account(account)
            rows = [r for r in rows if r["collection_account"]["account_code"] == account]
        exact = {
            "paymentProvider": lambda r: r["payment_provider"]["code"],
            "type": lambda r: r["type"],
            "status": lambda r: r["status"],
            "msisdn": lambda r: r["msisdn"],
            "currency": lambda r: r["currency"],
        }
        for name, get in exact.items():
            if query.get(name):
                rows = [r for r in rows if str(get(r)) == query[name]]
        date_of = lambda r: r["transaction_date"][:10]  # noqa: E731
        if query.get("transactionDate"):
            rows = [r for r in rows if date_of(r) == query["transactionDate"]]
        if query.get("minDate"):
            rows = [r for r in rows if date_of(r) >= query["minDate"]]
        if query.get("maxDate"):
            rows = [r for r in rows if date_of(r) <= query["maxDate"]]
        for name, test in (
            ("amount", float.__eq__),
            ("minAmount", float.__ge__),
            ("maxAmount", float.__le__),
        ):
            if query.get(name):
                limit = float(_int(query[name]))
                rows = [r for r in rows if test(float(r["amount"]), limit)]
        sort = query.get("sort") or "transactionDate"
        if sort not in SORTS:
            raise Refused(
                400, f"Invalid sort field '{sort}'. Use transactionDate, amount or charge"
            )
        direction = (query.get("direction") or "DESC").upper()
        if direction not in ("ASC", "DESC"):
            raise Refused(400, "Invalid sort direction. Use ASC or DESC")
        rows.sort(key=lambda r: r[SORTS[sort]], reverse=direction == "DESC")
        page, limit = max(1, _int(query.get("page") or 1)), max(1, _int(query.get("limit") or 20))
        start = (page - 1) * limit
        data = [
            {k: v for k, v in r.items() if k != "callback_url"} for r in rows[start : start + limit]
        ]
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


class SmsRefused(Exception):
    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__(body["message"])
        self.body = body


def _int(value: Any) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        raise Refused(400, f"'{value}' is not a valid number") from None


_PREFIXES = {
    "airtel_money": ("25670", "25675", "25674"),
    "mtn_mobile_money": ("25677", "25678", "25676"),
    "smart_pesa": ("25672", "25673"),
}


def _provider_of(msisdn: str) -> str | None:
    return next((p for p, prefixes in _PREFIXES.items() if msisdn.startswith(prefixes)), None)


def _matches_provider(msisdn: str, provider: str) -> bool:
    return len(msisdn) == 12 and msisdn.startswith(_PREFIXES.get(provider, ("-",)))


def _provider_name(code: str) -> str:
    names = {p["code"]: p["name"] for p in seed.PROVIDERS}
    return names.get(code, {"ugmart_products": "Ugmart Products", "sms": "SMS"}.get(code, code))


# -- HTTP ------------------------------------------------------------------------------------


def ugmart_app(state: UgmartSandbox) -> Starlette:
    async def body_of(request: Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError:
            raise Refused(400, "Malformed request: the body is not JSON") from None
        if not isinstance(body, dict):
            raise Refused(400, "Malformed request: the body must be a JSON object")
        return body

    def endpoint(
        handler: Callable[[Request], Any], *, auth: bool = True
    ) -> Callable[[Request], Any]:
        async def run(request: Request) -> Response:
            try:
                if auth:
                    state.check_token(request.headers.get("authorization"))
                result = await handler(request)
            except Refused as exc:
                body: dict[str, Any] = {
                    "code": exc.status,
                    "status": "FAILED",
                    "message": exc.message,
                }
                if exc.status == 401:
                    body.pop("status")
                return JSONResponse(body, status_code=exc.status)
            except SmsRefused as exc:
                return JSONResponse(exc.body, status_code=422)
            if isinstance(result, Response):
                return result
            return JSONResponse(result)

        return run

    def ok(data: Any, message: str = "Request completed successfully") -> dict[str, Any]:
        return {"code": 200, "status": "SUCCESS", "message": message, "data": data}

    async def login(request: Request) -> Any:
        return state.login(await body_of(request))

    async def providers(request: Request) -> Any:
        return ok(seed.PROVIDERS)

    async def collection(request: Request) -> Any:
        return state.collection(await body_of(request))

    async def payout(request: Request) -> Any:
        return state.payout(await body_of(request))

    async def validate_account(request: Request) -> Any:
        return state.validate_account(await body_of(request))

    async def request_payment(request: Request) -> Any:
        base = str(request.base_url).rstrip("/") + request.scope.get("root_path", "")
        return state.request_payment(await body_of(request), base)

    async def visa_page(request: Request) -> Any:
        txid = request.path_params["txid"]
        result = request.query_params.get("result")
        if result in ("SUCCESS", "FAILED", "CANCELLED"):
            state.settle_card(txid, result)
            return HTMLResponse(f"<p>Payment {txid}: {result}</p>")
        links = " ".join(
            f'<a href="?result={r}">{r}</a>' for r in ("SUCCESS", "FAILED", "CANCELLED")
        )
        return HTMLResponse(f"<h1>Sandbox card payment {txid}</h1><p>{links}</p>")

    async def balance_all(request: Request) -> Any:
        return ok(state.balances())

    async def balance_one(request: Request) -> Any:
        return ok(state.balances(request.path_params["code"]))

    async def transactions(request: Request) -> Any:
        query = dict(request.query_params)
        if "id" in query:
            return ok(state.transaction(query["id"]))
        return state.list_transactions(query)

    async def send_sms(request: Request) -> Any:
        return state.send_sms(await body_of(request))

    async def products(request: Request) -> Any:
        code = request.query_params.get("code")
        return ok(
            state.products(code),
            "Request completed successfully." if code else "Request completed successfully",
        )

    async def choice_list(request: Request) -> Any:
        query = request.query_params
        return ok(
            state.choice_list(query.get("code", ""), query.get("type", "")),
            "Request completed successfully.",
        )

    async def secondary(request: Request) -> Any:
        query = request.query_params
        return ok(
            state.secondary_list(query.get("id", ""), query.get("primary", "")),
            "Request completed successfully.",
        )

    async def validate(request: Request) -> Any:
        return ok(state.validate(await body_of(request)), "Request completed successfully.")

    async def purchase(request: Request) -> Any:
        return state.purchase(await body_of(request))

    routes = [
        Route("/login", endpoint(login, auth=False), methods=["POST"]),
        Route("/payment-providers", endpoint(providers)),
        Route("/collection", endpoint(collection), methods=["POST"]),
        Route("/payout", endpoint(payout), methods=["POST"]),
        Route("/validate-account", endpoint(validate_account), methods=["POST"]),
        Route("/request-payment", endpoint(request_payment), methods=["POST"]),
        Route("/visa-payment/{txid}", endpoint(visa_page, auth=False)),
        Route("/balance", endpoint(balance_all)),
        Route("/balance/{code}", endpoint(balance_one)),
        Route("/transactions", endpoint(transactions)),
        Route("/send-sms", endpoint(send_sms), methods=["POST"]),
        Route("/products", endpoint(products)),
        Route("/products/choice-list", endpoint(choice_list)),
        Route("/products/secondary-price-list", endpoint(secondary)),
        Route("/products/validate", endpoint(validate), methods=["POST"]),
        Route("/products/purchase", endpoint(purchase), methods=["POST"]),
    ]
    return Starlette(routes=routes)
