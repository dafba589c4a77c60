"""Checks and normal forms for typed entries: phone numbers, amounts, account numbers, text.

phonenumbers' metadata lags the operators (it calls the document's Vodafone number
0723190253 invalid), so it is used to normalise and to catch typos (length, country); whether
a recipient account is real is the server's validate step to judge.
"""

from __future__ import annotations

import re

from kiosk.flows.views import FieldError

_SEPARATORS = re.compile(r"[\s\-().]")
_ACCOUNT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/._:-]{1,39}$")
_CODE = re.compile(r"^[A-Za-z0-9]{3,32}$")

COUNTRY_NAMES = {"UG": "Ugandan", "KE": "Kenyan"}


def parse_phone(text: str, region: str = "UG", fmt: str = "national") -> str:
    """A phone number of `region` as `0XXXXXXXXX` (national) or `2567XXXXXXXX` (international)."""
    import phonenumbers  # its metadata is large; load it on the first number typed

    raw = _SEPARATORS.sub("", text.strip())
    country = COUNTRY_NAMES.get(region, region)
    if not raw:
        raise FieldError("Enter a phone number.")
    if not raw.lstrip("+").isdigit():
        raise FieldError(f"{text!r} is not a phone number: use digits only, e.g. 0772123456.")
    code = phonenumbers.country_code_for_region(region)
    if raw.startswith(str(code)) and not raw.startswith("+"):
        raw = "+" + raw
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise FieldError(f"{text!r} is not a phone number.") from exc
    if number.country_code != code:
        raise FieldError(f"{text!r} is not a {country} number (+{code}).")
    national = str(number.national_number)
    if not phonenumbers.is_possible_number(number) or len(national) != 9:
        raise FieldError(f"{text!r} has the wrong number of digits for a {country} mobile number.")
    if fmt == "international":
        return f"{code}{national}"
    return f"0{national}"


def parse_amount(text: str, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = text.strip().replace(",", "").replace("_", "").replace(" ", "")
    if not raw:
        raise FieldError("Enter an amount.")
    if not raw.isdigit():
        raise FieldError(f"{text!r} is not an amount: whole numbers only, e.g. 5000.")
    amount = int(raw)
    if amount <= 0:
        raise FieldError("The amount must be more than zero.")
    if minimum is not None and amount < minimum:
        raise FieldError(f"The amount must be at least {minimum:,}.")
    if maximum is not None and amount > maximum:
        raise FieldError(f"The amount must be at most {maximum:,}.")
    return amount


def parse_account(text: str) -> str:
    # Spaces are how numbers are read out; dashes and slashes can be part of a reference.
    raw = "".join(text.split())
    if not raw:
        raise FieldError("Enter the account number.")
    if not _ACCOUNT.match(raw):
        raise FieldError(f"{text!r} does not look like an account number (letters and digits).")
    return raw


def parse_code(text: str) -> str:
    raw = text.strip().upper()
    if not _CODE.match(raw):
        raise FieldError("Use 3 to 32 letters and digits.")
    return raw


def parse_text(text: str, max_length: int | None = None) -> str:
    value = text.strip()
    if not value:
        raise FieldError("Enter some text.")
    if max_length is not None and len(value) > max_length:
        raise FieldError(f"At most {max_length} characters ({len(value)} entered).")
    return value


_LIST_SEPARATORS = re.compile(r"[,;\n\t]+|\s{2,}")


def parse_phone_list(
    text: str, region: str = "UG", fmt: str = "national"
) -> tuple[list[str], list[str]]:
    """Numbers from a pasted list, in order, and the duplicates that were left out.

    Every bad entry is named in one error, so the operator fixes the list once. `@FILE` reads
    the numbers from a CSV file's first column (a header line is skipped).
    """
    if text.strip().startswith("@"):
        text = _csv_numbers(text.strip()[1:])
    entries = [part.strip() for part in _LIST_SEPARATORS.split(text) if part.strip()]
    if not entries:
        raise FieldError("Enter at least one phone number.")
    numbers: list[str] = []
    duplicates: list[str] = []
    bad: list[str] = []
    for entry in entries:
        try:
            number = parse_phone(entry, region, fmt)
        except FieldError:
            bad.append(entry)
            continue
        (duplicates if number in numbers else numbers).append(number)
    if bad:
        raise FieldError(f"Not valid ({len(bad)}): {', '.join(bad)}. Fix or remove them.")
    return numbers, duplicates


def _csv_numbers(path: str) -> str:
    import csv
    from pathlib import Path

    try:
        with Path(path).expanduser().open(newline="", encoding="utf-8-sig") as handle:
            rows = [row for row in csv.reader(handle) if row and row[0].strip()]
    except OSError as exc:
        raise FieldError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    if rows and not any(ch.isdigit() for ch in rows[0][0]):
        rows = rows[1:]
    return ",".join(row[0] for row in rows)
