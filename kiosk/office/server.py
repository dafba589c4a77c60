"""The server's side of a day: every transaction of the collection account on that date."""

from __future__ import annotations

from datetime import date
from typing import Any

from kiosk.api.ugmart import UgmartClient
from kiosk.api.ugmart_models import TransactionFilter

PAGE = 100


async def server_day(ugmart: UgmartClient, account_code: str, day: date) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    page = 1
    while True:
        result = await ugmart.transactions(
            TransactionFilter(
                collection_account=account_code,
                transaction_date=day.isoformat(),
                page=page,
                limit=PAGE,
            )
        )
        rows.extend(t.model_dump(mode="json") for t in result.data)
        if not result.data or len(rows) >= result.total_items:
            return rows
        page += 1
