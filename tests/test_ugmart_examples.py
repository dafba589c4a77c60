"""Every JSON example of ugmart-api.txt parses into its model and dumps back to its wire keys
and values; requests dump to exactly the body the document sends."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, SecretStr, ValidationError

from kiosk.api import catalog_models, ugmart_models
from kiosk.api.ugmart_models import (
    WIRE,
    AccountBalance,
    Envelope,
    ErrorBody,
    LoginRequest,
    LoginResult,
    SmsResult,
    TransactionFilter,
    TransactionPage,
    TransferResult,
    result_fields,
    wire,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "ugmart_examples.json"
DOCUMENTS = (Path("/work/shared/api/ugmart-api.txt"), ROOT.parent / "shared/api/ugmart-api.txt")
EXAMPLES: list[dict[str, Any]] = json.loads(FIXTURE.read_text())["examples"]
IDS = [f"{i:02d}-{e['endpoint']}-{e['kind']}" for i, e in enumerate(EXAMPLES)]


def parse(item: dict[str, Any]) -> tuple[BaseModel, Any]:
    """The example as the client reads it, and the wire data its dump must contain."""
    model: Any = getattr(ugmart_models, item["model"], None) or getattr(
        catalog_models, item["model"]
    )
    body = item["body"]
    shape = item["shape"]
    if shape == "list":
        return Envelope[list[model]].model_validate(body), body
    if shape == "object":
        return Envelope[model].model_validate(body), body
    if shape == "result":
        fields = result_fields(body)
        return model.model_validate(fields), fields
    assert shape == "bare", shape
    return model.model_validate(body), body


def scalar(value: Any) -> Any:
    """Wire scalars compared as the document means them: 500 == 500.0, 5021238514 == "5021…"."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else str(value)
    return str(value)


def differences(dumped: Any, expected: Any, path: str = "") -> list[str]:
    """Where `dumped` lacks a key or holds another value than `expected`."""
    if isinstance(expected, dict):
        if not isinstance(dumped, dict):
            return [f"{path}: {dumped!r} is not an object"]
        found: list[str] = []
        for key, value in expected.items():
            if key not in dumped:
                found.append(f"{path}.{key}: missing")
            else:
                found += differences(dumped[key], value, f"{path}.{key}")
        return found
    if isinstance(expected, list):
        if not isinstance(dumped, list) or len(dumped) != len(expected):
            return [f"{path}: {dumped!r} is not a list of {len(expected)}"]
        found = []
        for index, (got, want) in enumerate(zip(dumped, expected, strict=True)):
            found += differences(got, want, f"{path}[{index}]")
        return found
    if scalar(dumped) != scalar(expected):
        return [f"{path}: {dumped!r} != {expected!r}"]
    return []


def document_examples(text: str) -> list[Any]:
    """The JSON objects printed in the document (`{JWT}`-style placeholders are skipped)."""
    found: list[Any] = []
    start = text.find("{")
    while start >= 0:
        depth, end = 0, start
        for end in range(start, len(text)):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            if depth == 0:
                break
        try:
            found.append(json.loads(text[start : end + 1]))
        except ValueError:
            start = text.find("{", start + 1)
            continue
        start = text.find("{", end + 1)
    return found


@pytest.mark.parametrize("item", EXAMPLES, ids=IDS)
def test_example_round_trips(item: dict[str, Any]) -> None:
    model, expected = parse(item)
    dumped = model.model_dump(mode="json", by_alias=True, context=WIRE)
    assert differences(dumped, expected) == []
    assert type(model).model_validate(dumped) == model


@pytest.mark.parametrize(
    "item", [e for e in EXAMPLES if e["kind"] == "request"], ids=lambda e: e["endpoint"]
)
def test_request_dumps_to_exactly_the_documented_body(item: dict[str, Any]) -> None:
    model, _ = parse(item)
    assert wire(model) == item["body"]


def test_fixture_holds_every_example_of_the_document() -> None:
    document = next((path for path in DOCUMENTS if path.exists()), None)
    if document is None:
        pytest.skip("ugmart-api.txt is not next to the repository")
    printed = document_examples(document.read_text())
    assert len(printed) == len(EXAMPLES)
    assert [e["body"] for e in EXAMPLES] == printed


def test_every_failure_example_carries_a_code_and_message() -> None:
    failures = [e["body"] for e in EXAMPLES if e["kind"] == "failure"]
    assert len(failures) == 12
    for body in failures:
        error = ErrorBody.model_validate(body)
        assert error.code in (400, 401, 404, 422) and error.message


def test_collection_status_is_the_data_status() -> None:
    body = next(e["body"] for e in EXAMPLES if e["model"] == "TransferResult")
    result = TransferResult.model_validate(result_fields(body))
    assert (result.status, result.message) == ("PENDING", "Collection request accepted!")
    assert result.transaction_charge == 12.5 and result.external_transaction_id == "TT54785478547"


def test_purchase_result_reads_numeric_ids_and_details() -> None:
    umeme = next(
        e["body"]
        for e in EXAMPLES
        if e["model"] == "PurchaseResult" and e["body"]["data"]["description"] == "UMEME Yaka"
    )
    result = catalog_models.PurchaseResult.model_validate(result_fields(umeme))
    assert result.status == "SUCCESS" and result.provider_transaction_id == "5038199359"
    assert result.details["token"] == "4433 2904 5279 0983 7607"


def test_pages_balances_and_sms_use_clean_names() -> None:
    page = TransactionPage.model_validate(
        next(e["body"] for e in EXAMPLES if e["model"] == "TransactionPage")
    )
    assert (page.current_page, page.items_per_page, page.total_items) == (1, 20, 100)
    assert page.data[0].collection_account is not None
    assert page.data[0].collection_account.account_code == "15B0D8D8BE"
    balances = Envelope[list[AccountBalance]].model_validate(
        next(e["body"] for e in EXAMPLES if e["model"] == "AccountBalance")
    )
    assert balances.data[0].wallet("UGX") == 2342.5 and balances.data[0].wallet("KES") is None
    sms = SmsResult.model_validate(next(e["body"] for e in EXAMPLES if e["model"] == "SmsResult"))
    assert sms.messages[0].message_id == "1522806820139" and sms.sms_charge_rate == 30


def test_secrets_are_masked_except_on_the_wire() -> None:
    login = LoginResult.model_validate(
        next(e["body"] for e in EXAMPLES if e["model"] == "LoginResult")
    )
    token = login.token.get_secret_value()
    request = LoginRequest(email="jane.doe@domain.com", password=SecretStr("password"))
    for shown in (repr(login), str(login), login.model_dump_json(), repr(login.model_dump())):
        assert token not in shown
    for shown in (repr(request), request.model_dump_json()):
        assert "'password'" not in shown and '"password":"password"' not in shown
    assert wire(request) == {"email": "jane.doe@domain.com", "password": "password"}


def test_transaction_filter_sends_wire_names_and_rejects_unknown_ones() -> None:
    assert TransactionFilter(page=2).params() == {"page": "2"}
    assert TransactionFilter(collectionAccount="X", min_amount=5).params() == {
        "collectionAccount": "X",
        "minAmount": "5",
    }
    with pytest.raises(ValidationError):
        TransactionFilter(collection_acount="X")  # type: ignore[call-arg]
