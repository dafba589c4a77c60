"""The documents' amount rules, with the documents' numbers, and their properties."""

from hypothesis import given
from hypothesis import strategies as st

from kiosk.flows import pricing


def test_bundle_is_the_item_price() -> None:
    assert pricing.priced_amount([500]) == 500


def test_gotv_lite_bouquet_times_period() -> None:
    assert pricing.priced_amount([22000], 1) == 22000
    assert pricing.priced_amount([22000], 3) == 66000


def test_dstv_with_secondary_is_bouquet_plus_secondary_times_period() -> None:
    assert pricing.priced_amount([33000, 41250], 1) == 74250
    assert pricing.priced_amount([33000, 41250], 3) == 222750


def test_dstv_without_secondary_follows_the_prose_not_the_example() -> None:
    # The document's example body says 74,250; its prose says bouquet x period.
    assert pricing.priced_amount([33000], 1) == 33000


def test_minimum_is_product_price_or_positive_arrears() -> None:
    assert pricing.minimum_amount(500, [587]) == 587  # UMEME arrears
    assert pricing.minimum_amount(500, [-529]) == 500  # NWSC credit is not a floor
    assert pricing.minimum_amount(500, [None]) == 500
    assert pricing.minimum_amount(0, []) == 1


def test_tariff_is_on_top_not_in_the_amount() -> None:
    assert pricing.total_charge(10000, 1000) == 11000
    assert pricing.total_charge(10000, None) == 10000


prices = st.integers(min_value=1, max_value=2_000_000)


@given(st.lists(prices, min_size=1, max_size=3), st.integers(min_value=1, max_value=24))
def test_priced_amount_is_linear_in_the_period(items: list[int], months: int) -> None:
    assert pricing.priced_amount(items, months) == sum(items) * months
    assert pricing.priced_amount(items, months) == months * pricing.priced_amount(items)


@given(prices, st.lists(st.one_of(st.none(), st.floats(-1e6, 1e7)), max_size=3))
def test_minimum_covers_every_floor(product_min: int, floors: list[float | None]) -> None:
    least = pricing.minimum_amount(product_min, floors)
    assert least >= product_min
    assert all(least >= floor for floor in floors if floor is not None)
    assert isinstance(least, int)


@given(prices, st.one_of(st.none(), st.integers(0, 10_000)))
def test_total_never_less_than_amount(amount: int, tariff: int | None) -> None:
    assert pricing.total_charge(amount, tariff) - amount == (tariff or 0)
