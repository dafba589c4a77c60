"""Every example of ums-api.txt parses into its model and dumps back to the same wire body."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from kiosk.api import ums_models
from kiosk.api.ums_models import (
    STK_RESPONSE_CODES,
    WIRE,
    HotspotStation,
    SmsDelivery,
    SmsSent,
    StkDump,
    StkInitiated,
    StkRequest,
    StkStatus,
    TransactionStatusRequest,
    VoucherRegistered,
    sms_units,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "ums_examples.json"
DOCUMENT = ROOT.parent / "shared" / "api" / "ums-api.txt"
EXAMPLES: list[dict[str, Any]] = json.loads(FIXTURE.read_text())["examples"]


def example(endpoint: str, kind: str) -> dict[str, Any]:
    return next(e["body"] for e in EXAMPLES if e["endpoint"] == endpoint and e["kind"] == kind)


def normalised(value: Any) -> Any:
    """Keys without stray spaces, scalars as text: "10" and 10 are the same wire value."""
    if isinstance(value, dict):
        return {str(k).strip(): normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalised(v) for v in value]
    return str(value)


def document_examples(text: str) -> list[Any]:
    """The JSON objects printed in the document, with its trailing commas removed."""
    found, start = [], text.find("{")
    while start >= 0:
        depth = 0
        for end in range(start, len(text)):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            if depth == 0:
                break
        found.append(json.loads(re.sub(r",\s*([}\]])", r"\1", text[start : end + 1])))
        start = text.find("{", end + 1)
    return found


@pytest.mark.parametrize("item", EXAMPLES, ids=[f"{e['endpoint']}-{e['kind']}" for e in EXAMPLES])
def test_example_round_trips(item: dict[str, Any]) -> None:
    model_type = getattr(ums_models, item["model"])
    model = model_type.model_validate(item["body"])
    wire = model.model_dump(mode="json", by_alias=True, exclude_none=True, context=WIRE)
    assert normalised(wire) == normalised(item["body"])
    assert model_type.model_validate(wire) == model


def test_fixture_holds_every_example_of_the_document() -> None:
    if not DOCUMENT.exists():
        pytest.skip(f"{DOCUMENT} is not next to the repository")
    printed = document_examples(DOCUMENT.read_text())
    assert len(printed) == len(EXAMPLES) == 16
    assert [e["body"] for e in EXAMPLES] == printed


def test_misspelt_wire_names_map_to_clean_fields() -> None:
    sent = SmsSent.model_validate(example("sms", "response"))
    assert (sent.success, sent.message) == ("200", "Message sent sucessfully.")
    assert sent.request_id == "8403414672158573510"

    delivery = SmsDelivery.model_validate(example("smsdelivery", "response"))
    assert delivery.recipient == "0798765432"
    assert delivery.sms_unit == 1 and not delivery.delivered

    initiated = StkInitiated.model_validate(example("intiatestk", "response"))
    assert initiated.transaction_request_id == "UMSPID220520232332037855"
    assert initiated.model_dump(by_alias=True)["massage"] == "Request sent sucessfully."

    station = HotspotStation.model_validate(example("isp/hostspotplans", "response"))
    assert station.company_name == "UMESKIA SOFTWARES"
    assert station.company_info.contact.phone == "0113015674"
    assert [p.plan_code for p in station.plans][:2] == ["U77434129", "U69568596"]
    assert station.plans[0].price == 10 and station.plans[0].allowed_devices == 1
    assert station.plans[0].label == "5 Mbps for 1 Hour"
    assert station.plans[1].label == "30 Minutes"

    voucher = VoucherRegistered.model_validate(example("isp/registervoucher", "response"))
    assert (voucher.voucher, voucher.plan_price) == ("GHOT", 10)


def test_sms_request_sends_sender_id_under_its_wire_name() -> None:
    body = ums_models.SmsRequest(
        api_key=SecretStr("k"), email="e", message="hi", phone="0798765432"
    ).wire()
    assert body == {
        "api_key": "k",
        "email": "e",
        "Sender_Id": "UMS_SMS",
        "message": "hi",
        "phone": "0798765432",
    }


def test_status_request_key_has_no_trailing_space_on_the_wire() -> None:
    parsed = TransactionStatusRequest.model_validate(example("transactionstatus", "request"))
    assert parsed.transaction_request_id == "UMSPID220520232332037855"
    assert "tranasaction_request_id" in parsed.wire()
    assert "tranasaction_request_id " not in parsed.wire()


def test_status_numbers_sent_as_text_are_coerced() -> None:
    status = StkStatus.model_validate(example("transactionstatus", "response"))
    assert status.amount == 10 and status.response_code == 0
    assert status.final and status.completed
    assert status.explanation == "Payment received"
    loose = StkStatus.model_validate(
        {
            "ResultCode": 200,
            "TransactionAmount": "10.00",
            "TransactionStatus": "Pending",
            "TransactionCode": None,
            "TransactionID": 123,
            "Extra": "kept",
        }
    )
    assert (loose.result_code, loose.amount, loose.transaction_id) == ("200", 10, "123")
    assert loose.response_code is None and not loose.final
    assert loose.model_extra == {"Extra": "kept"}


@pytest.mark.parametrize(
    ("status", "final", "completed"),
    [
        ("Completed", True, True),
        ("Failed", True, False),
        ("Cancelled", True, False),
        ("Pending", False, False),
        ("Processing", False, False),
        ("", False, False),
    ],
)
def test_status_final(status: str, final: bool, completed: bool) -> None:
    parsed = StkStatus.model_validate({"TransactionStatus": status, "TransactionCode": "1032"})
    assert (parsed.final, parsed.completed) == (final, completed)


def test_error_dump_explains_the_code_in_customer_words() -> None:
    dump = StkDump.model_validate(example("intiatestk", "error_dump"))
    assert dump.response_code == 1031 and dump.receipt is None
    assert dump.explanation == "Request cancelled by user"
    success = StkDump.model_validate(example("intiatestk", "success_dump"))
    assert success.completed and success.receipt == "QBI3DNNHWP"


def test_response_codes_cover_the_document_table() -> None:
    assert set(STK_RESPONSE_CODES) == {0, 1, 1032, 1037, 1025, 9999, 2001, 1019, 1001, 1031}
    assert STK_RESPONSE_CODES[1032] == "Request cancelled by user"
    assert "reached" in STK_RESPONSE_CODES[1037]
    # The document's typo ("ransaction has expired") is not shown to customers.
    assert "ransaction" not in STK_RESPONSE_CODES[1019]


def test_secrets_never_in_repr_or_plain_dump() -> None:
    request = StkRequest.model_validate(example("intiatestk", "request"))
    station = HotspotStation.model_validate(example("isp/hostspotplans", "response"))
    for shown in (repr(request), str(request), request.model_dump_json()):
        assert "VE5MTlkzRk06MTlwNjlkZWM=" not in shown
    for shown in (repr(station), station.model_dump_json()):
        assert "273641958" not in shown
    assert request.wire()["api_key"] == "VE5MTlkzRk06MTlwNjlkZWM="


def test_missing_required_field_fails_clearly() -> None:
    with pytest.raises(ValidationError, match="tranasaction_request_id"):
        StkInitiated.model_validate({"success": "200", "massage": "ok"})
    with pytest.raises(ValidationError, match="creditBalance"):
        ums_models.SmsBalance.model_validate({"success": "200", "creditBalance": "lots"})


@pytest.mark.parametrize(
    ("length", "units"), [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3)]
)
def test_sms_units(length: int, units: int) -> None:
    assert sms_units("x" * length) == units
