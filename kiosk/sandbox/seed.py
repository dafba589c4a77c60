"""The documents' example data, as the sandbox's default catalog and accounts.

This is example data for the embedded sandbox only: the kiosk itself never reads it. GOtv's
Period2 and Period3 lists are named by the document but not shown; the ones here are invented.
"""

from __future__ import annotations

from typing import Any


def _periods(prefix: str, months: list[int], label: str = "Month") -> list[dict[str, Any]]:
    return [
        {"code": f"{prefix}:{n}", "price": n, "name": f"{n} {label}{'s' if n > 1 else ''}"}
        for n in months
    ]


def _choice(id_: str, description: str, long_label: str | None = None) -> dict[str, str]:
    return {
        "id": id_,
        "description": description,
        "long_label": long_label or id_,
        "short_label": id_,
    }


PRODUCTS: list[dict[str, Any]] = [
    {
        "name": "Airtel Airtime",
        "type": "AIRTIME",
        "code": "AIRTEL",
        "price": 500,
        "has_price_list": False,
        "available": True,
        "billable": False,
    },
    {
        "name": "MTN Airtime",
        "type": "AIRTIME",
        "code": "MTN",
        "price": 500,
        "has_price_list": False,
        "available": True,
        "billable": False,
    },
    {
        "name": "Airtel Internet",
        "type": "INTERNET",
        "code": "Airtel.Inet",
        "price": 500,
        "has_price_list": True,
        "available": True,
        "billable": False,
    },
    {
        "name": "Vodafone Internet",
        "type": "INTERNET",
        "code": "VodafoneInet.Bundle",
        "price": 1000,
        "has_price_list": True,
        "available": True,
        "billable": False,
    },
    {
        "name": "URA",
        "type": "TAXES",
        "code": "URA",
        "price": 500,
        "has_price_list": False,
        "available": True,
        "billable": True,
    },
    {
        "name": "DSTV Multichoice",
        "type": "TV",
        "code": "DSTV.Primary",
        "price": 4000,
        "has_price_list": True,
        "available": True,
        "billable": True,
    },
    {
        "name": "GOtv",
        "type": "TV",
        "code": "GOtv",
        "price": 4000,
        "has_price_list": True,
        "available": True,
        "billable": True,
    },
    {
        "name": "StarTimes/StarSat",
        "type": "TV",
        "code": "STARTIMES",
        "price": 1000,
        "has_price_list": False,
        "available": True,
        "billable": True,
    },
    {
        "name": "SIMBA TV",
        "type": "TV",
        "code": "TVNXT",
        "price": 1000,
        "has_price_list": False,
        "available": True,
        "billable": True,
    },
    {
        "name": "Zuku TV Default Bucket",
        "type": "TV",
        "code": "DPB",
        "price": 1000,
        "has_price_list": False,
        "available": True,
        "billable": True,
    },
    {
        "name": "Zuku TV Free To Air",
        "type": "TV",
        "code": "FTA",
        "price": 1000,
        "has_price_list": False,
        "available": True,
        "billable": True,
    },
    {
        "name": "Azam Media",
        "type": "TV",
        "code": "Azam",
        "price": 5000,
        "has_price_list": True,
        "available": True,
        "billable": True,
    },
    {
        "name": "UMEME Yaka",
        "type": "UTILITIES",
        "code": "UMEME",
        "price": 500,
        "has_price_list": False,
        "available": True,
        "billable": True,
    },
    {
        "name": "National Water",
        "type": "UTILITIES",
        "code": "NWSC",
        "price": 500,
        "has_price_list": False,
        "available": True,
        "billable": True,
    },
]

PRICE_LISTS: dict[str, list[dict[str, Any]]] = {
    "Airtel.Inet": [
        {"code": "Airtel.Inet:D25MB", "price": 500, "name": "1 Day, 25MB - 500 UGX"},
        {"code": "Airtel.Inet:D100MB", "price": 1000, "name": "1 Day, 100MB - 1,000 UGX"},
        {"code": "Airtel.Inet:W1GB", "price": 10000, "name": "7 Days, 1GB - 10,000 UGX"},
        {"code": "Airtel.Inet:M3GB", "price": 25000, "name": "30 Days, 3GB - 25,000 UGX"},
    ],
    "VodafoneInet.Bundle": [
        {"code": "VodafoneInet.Bundle:841", "price": 1000, "name": "Daily 100MB - 1,000 UGX"},
        {"code": "VodafoneInet.Bundle:842", "price": 5000, "name": "Weekly 1GB - 5,000 UGX"},
    ],
    "DSTV.Primary": [
        {
            "code": "DSTV.Primary:ACSSE36",
            "price": 33000,
            "name": "DStv Access Bouquet E36 - 33,000 UGX",
        },
        {
            "code": "DSTV.Primary:COFAME36",
            "price": 60000,
            "name": "DStv Family Bouquet E36 - 60,000 UGX",
        },
        {
            "code": "DSTV.Primary:COMPE36",
            "price": 115000,
            "name": "DStv Compact Bouquet E36 - 115,000 UGX",
        },
        {
            "code": "DSTV.Primary:COMPLE36",
            "price": 180000,
            "name": "DStv Compact Plus Bouquet E36 - 180,000 UGX",
        },
        {
            "code": "DSTV.Primary:PREE36",
            "price": 280000,
            "name": "DStv Premium E/Afr E36 - 280,000 UGX",
        },
        {
            "code": "DSTV.Primary:PREASIE36",
            "price": 298000,
            "name": "DStv Premium E/Afr + Asian Bouquet E36 - 298,000 UGX",
        },
        {
            "code": "DSTV.Primary:ASIAE36",
            "price": 128000,
            "name": "DStv Asian Bouquet E36 - 128,000 UGX",
        },
        {
            "code": "DSTV.Primary:GWALLW7",
            "price": 24375,
            "name": "DStv Great Wall Standalone I - 24,375 UGX",
        },
    ],
    "GOtv": [
        {"code": "GOtv:GOTV", "price": 16000, "name": "GOtv Value - 16,000 UGX"},
        {"code": "GOtv:GOTVPLS", "price": 26000, "name": "GOtv Plus Bouquet - 26,000 UGX"},
        {"code": "GOtv:GOLITE", "price": 22000, "name": "GOtv Lite Bouquet - 22,000 UGX"},
        {"code": "GOtv:GOLTANL", "price": 60000, "name": "GOtv Lite 12 - 60,000 UGX"},
        {"code": "GOtv:GOTVMAX", "price": 49000, "name": "GOtv Max - 49,000 UGX"},
        {"code": "GOtv:GOHAN", "price": 9500, "name": "GOtv Lite IP1 - 9,500 UGX"},
    ],
    "Azam": [
        {"code": "Azam:APURE", "price": 10000, "name": "Azam Pure - 10,000 UGX"},
        {"code": "Azam:APLUS", "price": 20000, "name": "Azam Plus - 20,000 UGX"},
        {"code": "Azam:APLAY", "price": 30000, "name": "Azam Play - 30,000 UGX"},
    ],
}

_MODES = {
    "GOtv": [
        _choice("Bouquet", "You will be prompted to choose a GOTV bouquet"),
        _choice("TopUp", "The funds will be transferred to top up your bouquet"),
    ],
    "DSTV.Primary": [
        _choice(
            "Bouquet",
            "You will be prompted to choose a DSTV bouquet, and optionally you can select a "
            "secondary DSTV product: Dual View, HD PVR or SD PVR. Additionally you will be "
            "prompted to specify the subscription period.",
            "I wish to specify the bouquet",
        ),
        _choice(
            "TopUp",
            "You will be prompted to select a DStv bouquet. The funds will be transferred to "
            "top up your bouquet.",
            "I wish to top up an existing bouquet",
        ),
    ],
}

CHOICE_LISTS: dict[tuple[str, str], list[dict[str, str]]] = {
    ("NWSC", ""): [_choice(area, area) for area in ("Entebbe", "Iganga", "Jinja", "Kampala")],
    ("GOtv", ""): _MODES["GOtv"],
    ("DSTV.Primary", ""): _MODES["DSTV.Primary"],
    ("DSTV.Primary", "features"): [
        _choice(
            "Yes",
            "You will be prompted to specify secondary DSTV product to include in the payment.",
            "Yes, I do",
        ),
        _choice(
            "No",
            "No secondary DSTV product selection will be prompted and included in the payment.",
            "No, I don't",
        ),
    ],
}

SECONDARY_LISTS: dict[tuple[str, str], list[dict[str, Any]]] = {
    ("GOtv.Period", "GOtv"): _periods("GOtv.Period", list(range(1, 12))),
    ("GOtv.Period2", "GOtv"): _periods("GOtv.Period2", [1, 2, 3]),
    ("GOtv.Period3", "GOtv"): _periods("GOtv.Period3", [1]),
    ("DSTV.Period", "DSTV.Primary"): _periods("DSTV.Period", [1, 3, 12], "month"),
    ("DSTV.Secondary", "DSTV.Primary"): [
        {
            "code": "DSTV.Secondary:HDPVRE36",
            "price": 41250,
            "name": "DStv HDPVR Access Service E36 - 41,250 UGX",
        },
    ],
}

# Lists whose chosen item prices a bouquet purchase: period multiplies, secondary adds.
# A product's period lists, its default first; the document gives some bouquets their own.
PERIOD_LISTS = {
    "GOtv": ["GOtv.Period", "GOtv.Period2", "GOtv.Period3"],
    "DSTV.Primary": ["DSTV.Period"],
}
PERIOD_LIST_OF_ITEM = {"GOtv:GOLITE": "GOtv.Period2", "GOtv:GOHAN": "GOtv.Period3"}
SECONDARY_PRODUCT_LISTS = {"DSTV.Primary": "DSTV.Secondary"}

# Recipient accounts by product code, with what validation reveals about them.
ACCOUNTS: dict[str, dict[str, dict[str, Any]]] = {
    "UMEME": {"04230640783": {"customer_name": "SAM BUSULWA", "balance": 587}},
    "NWSC": {"21169727": {"customer_name": "KIWANUKA JOSEPH", "balance": -529}},
    "STARTIMES": {"02036620039": {"customer_name": "NASSIWA OLIVIA"}},
    "TVNXT": {"4023": {"customer_name": "MUKASA MOSES"}},
    "DPB": {"513472": {}},
    "FTA": {"513472": {}},
    "Azam": {"212911665676": {"customer_name": "BRIDGET KOMUHANGI"}},
    "GOtv": {"2022750158": {"customer_name": "NAKAWEESI K"}},
    "DSTV.Primary": {
        "1025628563": {
            "customer_name": "LAWRENCE B, DUE: 172500 UGX / 11-APR-2018",
            "due_amount": 172500,
            "due_date": "11-Apr-2018",
        }
    },
    "URA": {"2240001234567": {"customer_name": "KATO JOHN (PRN)", "balance": 150000}},
}

# Tariff charged on top of the amount, per product (0 where the document shows 0).
TARIFFS: dict[str, int] = {"URA": 1000}

PROVIDERS = [
    {"name": "Airtel Money", "code": "airtel_money", "available": True},
    {"name": "MTN Mobile Money", "code": "mtn_mobile_money", "available": True},
    {"name": "Smart Pesa", "code": "smart_pesa", "available": True},
    {"name": "VISA-MasterCard", "code": "visa_mastercard", "available": True},
]

MOBILE_MONEY_NAMES = {"256703560861": "SEKAMANYA GILBERT", "256701345672": "JANE DOE"}

COLLECTION_ACCOUNTS = {
    "15B0D8D8BE": {
        "account_name": "GBi-Solutions (U) Ltd",
        "wallets": {"USD": 0.96, "UGX": 5_000_000.0},
    },
}

EXAMPLE_TRANSACTIONS: list[dict[str, Any]] = [
    {
        "transaction_id": "1513319878",
        "collection_account": {
            "account_code": "15B0D8D8BE",
            "account_name": "GBi-Solutions (U) Ltd",
        },
        "payment_provider": {"name": "VISA-MasterCard", "code": "visa_mastercard"},
        "type": "COLLECTION",
        "msisdn": "VISA-MasterCard",
        "currency": "UGX",
        "application": "CallbackTest",
        "description": "Transaction Event Test",
        "amount": 1000,
        "charge": 0,
        "status": "CANCELLED",
        "status_message": "Transaction has been cancelled",
        "transaction_date": "2017-12-15T09:13:39+03:00",
        "completed_on": "2017-12-15T09:15:03+03:00",
    },
    {
        "transaction_id": "1512446532",
        "collection_account": {
            "account_code": "15B0D8D8BE",
            "account_name": "GBi-Solutions (U) Ltd",
        },
        "payment_provider": {"name": "VISA-MasterCard", "code": "visa_mastercard"},
        "type": "COLLECTION",
        "msisdn": "VISA-MasterCard",
        "currency": "UGX",
        "application": "CallbackTest",
        "description": "Transaction Event Test",
        "amount": 1000,
        "charge": 0,
        "status": "FAILED",
        "status_message": "Unexpected parameter 'interaction.operation' (Cause: INVALID_REQUEST).",
        "transaction_date": "2017-12-05T06:17:37+03:00",
        "completed_on": "2017-12-05T06:18:16+03:00",
    },
]
