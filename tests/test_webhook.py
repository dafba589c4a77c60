"""Callbacks settle journal rows once, and a waiting flow sees them without asking UMS."""

from __future__ import annotations

from pathlib import Path

import httpx

from kiosk.journal import Journal, State
from kiosk.webhook import webhook_app


def dump(reference: str, code: int = 0) -> dict[str, object]:
    return {
        "ResponseCode": code,
        "ResponseDescription": "Success" if code == 0 else "Request cancelled by user",
        "MerchantRequestID": "45695-1488133-1",
        "CheckoutRequestID": "ws_CO_220520232332037855",
        "TransactionID": "UMSPID220520232332037855",
        "TransactionAmount": 1,
        "TransactionReceipt": "QBI3DNNHWP",
        "TransactionDate": "20210421114425",
        "TransactionReference": reference,
        "Msisdn": "254798765432",
    }


def stk_row(journal: Journal, reference: str) -> None:
    journal.record_intent(
        transaction_id=reference,
        service="ums",
        kind="stk",
        request={"reference": reference},
        amount=1,
        currency="KES",
    )
    journal.record_outcome(reference, State.INCOMPLETE)


async def test_stk_callback_settles_once_and_duplicates_are_ignored(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.db")
    stk_row(journal, "675432")
    transport = httpx.ASGITransport(app=webhook_app(journal))
    async with httpx.AsyncClient(transport=transport, base_url="http://hook") as client:
        first = await client.post("/ums/stk", json=dump("675432"))
        again = await client.post("/ums/stk", json=dump("675432"))
        late_failure = await client.post("/ums/stk", json=dump("675432", 1032))
    assert first.json() == {"settled": True}
    assert again.json() == {"duplicate": True}
    assert late_failure.json() == {"settled": False}
    entry = journal.get("675432")
    assert entry is not None and entry.state is State.SUCCESS
    assert entry.response is not None and entry.response["details"]["mpesa_receipt"] == "QBI3DNNHWP"
    assert len(journal.callbacks("675432")) == 2


async def test_cancelled_stk_and_card_callbacks(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.db")
    stk_row(journal, "R1")
    journal.record_intent(transaction_id="C1", service="ugmart", kind="card", request={})
    transport = httpx.ASGITransport(app=webhook_app(journal))
    async with httpx.AsyncClient(transport=transport, base_url="http://hook") as client:
        await client.post("/ums/stk", json=dump("R1", 1032))
        await client.get("/ugmart/card", params={"status": "SUCCESS", "data[transaction_id]": "C1"})
        bad = await client.post("/ums/stk", content=b"<html>")
    assert journal.get("R1").state is State.FAILED
    assert "cancelled" in journal.get("R1").message
    assert journal.get("C1").state is State.SUCCESS
    assert bad.status_code == 400
