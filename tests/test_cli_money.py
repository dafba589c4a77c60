"""`kiosk collect`, `kiosk payout`, `kiosk card`, `kiosk buy --pay`, `kiosk refunds` as scripts
run them, against the embedded sandbox."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli_sales import kiosk


def test_collect_payout_and_pay_first_from_the_command_line(tmp_path: Path) -> None:
    collect = kiosk(
        tmp_path,
        "collect",
        "--provider",
        "airtel_money",
        "--phone",
        "0701345672",
        "--amount",
        "5000",
        "--json",
    )
    assert json.loads(collect.stdout)["status"] == "success", collect.stdout + collect.stderr

    refused = kiosk(
        tmp_path,
        "payout",
        "--provider",
        "airtel_money",
        "--phone",
        "0703560861",
        "--amount",
        "2000",
        "--json",
    )
    assert refused.returncode == 3
    assert json.loads(refused.stdout)["recipient"] == "SEKAMANYA GILBERT"
    paid = kiosk(
        tmp_path,
        "payout",
        "--provider",
        "airtel_money",
        "--phone",
        "0703560861",
        "--amount",
        "2000",
        "--yes",
        "--json",
    )
    assert json.loads(paid.stdout)["recipient"] == "SEKAMANYA GILBERT"

    bought = kiosk(
        tmp_path,
        "buy",
        "MTN",
        "--account",
        "0777044237",
        "--amount",
        "1000",
        "--pay",
        "momo",
        "--payer",
        "0772123456",
        "--payer-provider",
        "mtn_mobile_money",
        "--yes",
        "--json",
    )
    assert json.loads(bought.stdout)["status"] == "success", bought.stdout + bought.stderr
    kinds = [row["kind"] for row in json.loads(kiosk(tmp_path, "journal", "--json").stdout)]
    assert kinds.count("collection") == 2 and "payout" in kinds and "purchase" in kinds
    assert json.loads(kiosk(tmp_path, "refunds", "--json").stdout) == []


def test_card_prints_the_payment_link_and_waits(tmp_path: Path) -> None:
    card = kiosk(tmp_path, "card", "--amount", "25000", "--contact", "0777044237", "--wait", "0.5")
    assert "/visa-payment/" in card.stdout
    assert "█" in card.stdout or "▀" in card.stdout
    assert card.returncode == 1
