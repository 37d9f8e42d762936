from decimal import Decimal

import pytest

from tuishou.core.errors import InvalidInput
from tuishou.core.money import from_minor, parse_amount, percent_of, round_down, to_minor


def test_parse_amount_accepts_exact_two_place_decimals():
    assert parse_amount("19.90") == Decimal("19.90")
    assert parse_amount(5) == Decimal("5.00")
    assert str(parse_amount("7")) == "7.00"


@pytest.mark.parametrize(("raw", "code"), [
    ("1.999", "money.too_precise"), ("abc", "money.malformed"), ("", "money.malformed"),
    ("NaN", "money.malformed"), ("-1.00", "money.negative"), (1.5, "money.malformed"),
    ("1e30", "money.malformed"), ("1000000000000.00", "money.too_large"),  # plain decimals only (issue 12)
])
def test_parse_amount_rejects_bad_input_with_a_stable_code(raw, code):
    with pytest.raises(InvalidInput) as err:
        parse_amount(raw, field="price")
    assert err.value.code == code
    assert err.value.details["field"] == "price"


def test_minor_units_round_trip_exactly():
    assert to_minor(Decimal("123.45")) == 12345
    assert from_minor(12345) == Decimal("123.45")
    with pytest.raises(InvalidInput):
        to_minor(Decimal("0.001"))


def test_round_down_and_percent_of_keep_what_rounding_leaves_with_the_platform():
    assert round_down(Decimal("4.9995")) == Decimal("4.99")
    assert percent_of(Decimal("33.33"), Decimal("0.15")) == Decimal("4.99")
