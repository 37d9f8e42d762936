"""Order numbers (issue 13): unique by construction, not guessable in sequence."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.orders import factories as of
from tuishou.orders import numbers
from tuishou.orders.models import Order

KEY = b"k" * 32


def test_the_permutation_is_a_bijection_of_nine_digits_on_a_dense_sample():
    sample = range(0, 20_000)
    images = {numbers.permute(KEY, v) for v in sample}
    assert len(images) == len(sample)
    assert all(0 <= image < numbers.DOMAIN for image in images)


@given(st.integers(min_value=1, max_value=15_624_999), st.integers(min_value=0, max_value=numbers.SLOTS - 1),
       st.integers(min_value=1, max_value=15_624_999), st.integers(min_value=0, max_value=numbers.SLOTS - 1))
def test_two_orders_of_one_minute_never_share_a_number(checkout_a, index_a, checkout_b, index_b):
    a = numbers.order_number(minute="2612050000", checkout_id=checkout_a, index=index_a, key=KEY)
    b = numbers.order_number(minute="2612050000", checkout_id=checkout_b, index=index_b, key=KEY)
    assert (a == b) == ((checkout_a, index_a) == (checkout_b, index_b))
    assert len(a) == 19 and a.isdigit() and a.startswith("2612050000")


def test_consecutive_checkouts_give_unrelated_digits_and_another_key_other_digits():
    digits = [numbers.permute(KEY, numbers.serial(c, 0)) for c in range(1000, 1020)]
    steps = {b - a for a, b in itertools.pairwise(digits)}
    assert len(steps) == len(digits) - 1  # no constant stride to extrapolate from
    assert digits != [numbers.permute(b"other" * 7, numbers.serial(c, 0)) for c in range(1000, 1020)]


def test_a_checkout_has_at_most_sixty_four_orders():
    with pytest.raises(ValueError):
        numbers.serial(1, numbers.SLOTS)


@pytest.mark.django_db
def test_a_checkout_split_between_two_merchants_numbers_its_orders_from_its_own_serial():
    person = of.buyer()
    result = of.checkout(person, [(of.sku(merchant=of.shop(name="甲")), 1), (of.sku(merchant=of.shop(name="乙")), 1)])
    found = list(Order.objects.filter(checkout=result).order_by("pk").values_list("number", flat=True))
    assert len(set(found)) == 2
    assert [n[10:] for n in found] == [f"{numbers.permute(_key(), numbers.serial(result.pk, i)):09d}" for i in (0, 1)]


def _key() -> bytes:
    from django.conf import settings

    from tuishou.orders.checkout_requests import _number_key

    return _number_key(settings.SECRET_KEY)
