"""One example sale per product family, on the sandbox's document data: the answers a person
gives at each step. Used by the fault run, the crash run and the keystroke benchmark."""

from __future__ import annotations

from dataclasses import dataclass

CONTACT = "0777044237"


@dataclass(frozen=True)
class ExampleSale:
    name: str
    code: str
    answers: dict[str, str]


EXAMPLE_SALES: tuple[ExampleSale, ...] = (
    ExampleSale("MTN airtime", "MTN", {"msisdn": "0777044237", "amount": "1000"}),
    ExampleSale(
        "Data bundle", "Airtel.Inet", {"product_code": "Airtel.Inet:D25MB", "msisdn": "0700392138"}
    ),
    ExampleSale(
        "UMEME", "UMEME", {"msisdn": "04230640783", "contact_phone": CONTACT, "amount": "1500"}
    ),
    ExampleSale(
        "NWSC",
        "NWSC",
        {"area_id": "Kampala", "msisdn": "21169727", "contact_phone": CONTACT, "amount": "1500"},
    ),
    ExampleSale(
        "StarTimes",
        "STARTIMES",
        {"msisdn": "02036620039", "contact_phone": CONTACT, "amount": "1500"},
    ),
    ExampleSale(
        "Azam",
        "Azam",
        {"product_code": "Azam:APURE", "msisdn": "212911665676", "contact_phone": CONTACT},
    ),
    ExampleSale(
        "GOtv bouquet + period",
        "GOtv",
        {
            "purchase_mode": "Bouquet",
            "product_code": "GOtv:GOLITE",
            "period": "GOtv.Period2:1",
            "msisdn": "2022750158",
            "contact_phone": CONTACT,
        },
    ),
    ExampleSale(
        "DStv bouquet + secondary + period",
        "DSTV.Primary",
        {
            "purchase_mode": "Bouquet",
            "product_code": "DSTV.Primary:ACSSE36",
            "feature": "Yes",
            "secondary_product_code": "DSTV.Secondary:HDPVRE36",
            "period": "DSTV.Period:1",
            "msisdn": "1025628563",
            "contact_phone": CONTACT,
        },
    ),
    ExampleSale(
        "DStv top-up",
        "DSTV.Primary",
        {"purchase_mode": "TopUp", "msisdn": "1025628563", "contact_phone": CONTACT},
    ),
    ExampleSale(
        "URA", "URA", {"msisdn": "2240001234567", "contact_phone": CONTACT, "amount": "150000"}
    ),
)
