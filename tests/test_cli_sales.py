"""`kiosk buy` / `catalog` / `journal` / `reconcile` as a script would run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def kiosk(tmp_path: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env |= {f"KIOSK_{name.upper()}": value for name, value in settings.items()}
    env["KIOSK_DATA_DIR"] = str(tmp_path / "data")
    env["KIOSK_CONFIG_DIR"] = str(tmp_path / "config")
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def test_buy_gotv_bouquet_as_in_the_issue(tmp_path: Path) -> None:
    done = kiosk(
        tmp_path,
        "buy",
        "GOtv",
        "--account",
        "2022750158",
        "--contact",
        "0777044237",
        "--pick",
        "purchase_mode=Bouquet",
        "--pick",
        "product_code=GOtv:GOLITE",
        "--pick",
        "period=GOtv.Period2:1",
        "--yes",
        "--json",
    )
    assert done.returncode == 0, done.stderr + done.stdout
    out = json.loads(done.stdout)
    assert out["status"] == "success"
    assert out["product_code"] == "GOtv:GOLITE"
    assert out["amount"] == 22000
    assert out["customer_name"] == "NAKAWEESI K"
    assert set(out) >= {"transaction_id", "tariff_charge", "details"}

    journal = kiosk(tmp_path, "journal", "--json")
    rows = json.loads(journal.stdout)
    assert [row["transaction_id"] for row in rows] == [out["transaction_id"]]
    assert rows[0]["state"] == "success"


def test_a_missing_choice_lists_the_valid_values(tmp_path: Path) -> None:
    done = kiosk(
        tmp_path,
        "buy",
        "GOtv",
        "--account",
        "2022750158",
        "--contact",
        "0777044237",
        "--pick",
        "purchase_mode=Bouquet",
        "--yes",
        "--json",
    )
    assert done.returncode == 2
    out = json.loads(done.stdout)
    assert out["step"] == "product_code"
    assert "GOtv:GOLITE" in out["choices"]


def test_unknown_product_and_unconfirmed_sale_do_not_sell(tmp_path: Path) -> None:
    unknown = kiosk(tmp_path, "buy", "NOPE", "--account", "1", "--json")
    assert unknown.returncode == 2
    assert "MTN" in json.loads(unknown.stdout)["choices"]
    unconfirmed = kiosk(tmp_path, "buy", "MTN", "--account", "0777044237", "--amount", "500")
    assert unconfirmed.returncode == 3
    assert "--yes" in unconfirmed.stderr
    rows = json.loads(kiosk(tmp_path, "journal", "--json").stdout)
    assert rows == []


def test_catalog_lists_products(tmp_path: Path) -> None:
    done = kiosk(tmp_path, "catalog", "--json")
    assert done.returncode == 0, done.stderr
    codes = {p["code"] for p in json.loads(done.stdout)}
    assert {"MTN", "UMEME", "GOtv", "DSTV.Primary"} <= codes


def test_reconcile_named_ids_settles_only_those(tmp_path: Path) -> None:
    from kiosk.journal import Journal
    from kiosk.settings import Settings

    path = Settings(data_dir=tmp_path / "data").journal_path
    path.parent.mkdir(parents=True)
    with Journal(path) as journal:
        for transaction_id in ("NEVERSENT1", "NEVERSENT2"):
            journal.record_intent(
                transaction_id=transaction_id, service="ugmart", kind="purchase", request={}
            )
    done = kiosk(tmp_path, "reconcile", "NEVERSENT1", "NOPE", "--json", reconcile_grace="0")
    assert done.returncode == 1, done.stderr
    rows = {row["transaction_id"]: row for row in json.loads(done.stdout)}
    assert set(rows) == {"NEVERSENT1", "NOPE"}
    assert rows["NOPE"]["error"]
    with Journal(path) as journal:
        states = {e.transaction_id: e.state.value for e in journal.entries()}
    assert states == {"NEVERSENT1": "failed", "NEVERSENT2": "pending"}
