"""`kiosk ums …` against the embedded sandbox, as a script would run it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli_sales import kiosk


def test_sms_stk_plans_and_voucher_from_the_command_line(tmp_path: Path) -> None:
    sms = kiosk(
        tmp_path, "ums", "sms", "--to", "0798765432,0712345678", "--text", "Hello", "--json"
    )
    assert sms.returncode == 0, sms.stderr
    assert json.loads(sms.stdout)["sent"] == "2"

    stk = kiosk(tmp_path, "ums", "stk", "--phone", "0798765432", "--amount", "10", "--json")
    assert stk.returncode == 1
    assert json.loads(stk.stdout)["status"] == "pending"

    plans = json.loads(kiosk(tmp_path, "ums", "plans", "--json").stdout)
    assert {"U77434129", "U42514542"} <= {p["plan_code"] for p in plans}

    voucher = kiosk(tmp_path, "ums", "voucher", "--plan", "U77434129", "--code", "GHOT", "--json")
    assert json.loads(voucher.stdout)["voucher"] == "GHOT"

    rows = json.loads(kiosk(tmp_path, "journal", "--json").stdout)
    kinds = sorted(row["kind"] for row in rows)
    assert kinds == ["sms", "sms", "sms_batch", "stk", "voucher"]


def test_sms_with_a_bad_number_names_it_and_sends_nothing(tmp_path: Path) -> None:
    done = kiosk(tmp_path, "ums", "sms", "--to", "0798765432,12345", "--text", "Hi", "--json")
    assert done.returncode == 2
    assert "12345" in json.loads(done.stdout)["message"]
    assert json.loads(kiosk(tmp_path, "journal", "--json").stdout) == []
