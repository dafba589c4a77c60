"""The amount rules of the documents, as plain functions of prices.

- fixed price item (bundle): amount = item price
- bouquet: amount = bouquet price x period price
- DStv bouquet with secondary product: (bouquet + secondary) x period -- the document's prose;
  its example body for a bouquet *without* secondary says 74,250 where the prose gives 33,000.
- free amount: entered, at least the product's minimum `price` and any arrears validation
  returns. The tariff charge is shown on top and is never part of `amount`.
"""

from __future__ import annotations

from collections.abc import Iterable


def priced_amount(item_prices: Iterable[float], multiplier: float | None = None) -> int:
    """Sum of the chosen items' prices, times the period's price when there is one."""
    total = sum(item_prices)
    if multiplier is not None:
        total *= multiplier
    return round(total)


def minimum_amount(product_minimum: int, floors: Iterable[float | None]) -> int:
    """The least an entered amount may be: the product minimum and any positive arrears."""
    least = max(product_minimum, 1)
    for floor in floors:
        if floor is not None and floor > least:
            least = floor
    return int(-(-least // 1))


def total_charge(amount: int, tariff: float | None) -> int:
    """What leaves the float: the amount plus the tariff charged on top."""
    return amount + round(tariff or 0)
