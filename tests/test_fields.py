import pytest

from kiosk.flows import fields
from kiosk.flows.views import FieldError


@pytest.mark.parametrize(
    "text",
    ["0777044237", "256777044237", "+256 777 044 237", "777044237", "0777-044-237"],
)
def test_ugandan_numbers_normalise_to_national(text: str) -> None:
    assert fields.parse_phone(text) == "0777044237"


def test_international_form_for_endpoints_that_want_it() -> None:
    assert fields.parse_phone("0777044237", fmt="international") == "256777044237"
    assert fields.parse_phone("0798765432", "KE", "international") == "254798765432"


def test_vodafone_number_the_metadata_calls_invalid_is_accepted() -> None:
    # The document's own example; whether the account is real is the server's call.
    assert fields.parse_phone("0723190253") == "0723190253"


@pytest.mark.parametrize("text", ["", "07770442", "07770442371", "abc", "+254798765432"])
def test_bad_numbers_say_why(text: str) -> None:
    with pytest.raises(FieldError) as caught:
        fields.parse_phone(text)
    assert caught.value.message


def test_amounts() -> None:
    assert fields.parse_amount("16,000") == 16000
    with pytest.raises(FieldError, match="at least 500"):
        fields.parse_amount("400", minimum=500)
    with pytest.raises(FieldError, match="whole numbers"):
        fields.parse_amount("12.5")
    with pytest.raises(FieldError):
        fields.parse_amount("0")


def test_accounts_and_codes() -> None:
    assert fields.parse_account(" 0423 0640 783 ") == "04230640783"
    with pytest.raises(FieldError):
        fields.parse_account("")
    with pytest.raises(FieldError):
        fields.parse_account("no spaces!")
    assert fields.parse_code("ghot") == "GHOT"
