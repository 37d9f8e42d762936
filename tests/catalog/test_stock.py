import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import F, Sum

from tests.catalog import factories
from tests.merchants import factories as merchant_factories
from tuishou.catalog.models import Sku
from tuishou.catalog.services import sku_stock_release, sku_stock_reserve, sku_stock_set
from tuishou.core.errors import Conflict, InvalidInput, NotFound


@pytest.fixture
def sku(db):
    return factories.sku(product=factories.product(merchant=merchant_factories.merchant()), stock=5)


def test_reserve_takes_units_and_refuses_more_than_is_left(sku):
    assert sku_stock_reserve(sku_id=sku.pk, quantity=3) == 2
    with pytest.raises(Conflict) as err:
        sku_stock_reserve(sku_id=sku.pk, quantity=3)
    assert (err.value.code, err.value.details) == (
        "catalog.stock_insufficient", {"sku_id": sku.pk, "available": 2, "requested": 3})
    assert sku_stock_reserve(sku_id=sku.pk, quantity=2) == 0
    with pytest.raises(Conflict):
        sku_stock_reserve(sku_id=sku.pk, quantity=1)
    assert Sku.objects.get().stock == 0


def test_release_gives_units_back(sku):
    sku_stock_reserve(sku_id=sku.pk, quantity=5)
    assert sku_stock_release(sku_id=sku.pk, quantity=2) == 2


@pytest.mark.parametrize("quantity", [0, -1, 1.5, True, "2"])
def test_quantity_must_be_a_positive_whole_number(sku, quantity):
    with pytest.raises(InvalidInput) as err:
        sku_stock_reserve(sku_id=sku.pk, quantity=quantity)
    assert err.value.code == "catalog.quantity_invalid"
    assert Sku.objects.get().stock == 5


def test_unknown_sku(db):
    for call in (sku_stock_reserve, sku_stock_release):
        with pytest.raises(NotFound) as err:
            call(sku_id=404, quantity=1)
        assert err.value.code == "catalog.sku_unknown"


def test_the_database_refuses_negative_stock_even_outside_the_services(sku):
    with pytest.raises(IntegrityError), transaction.atomic():
        Sku.objects.filter(pk=sku.pk).update(stock=F("stock") - 6)
    assert Sku.objects.get().stock == 5


def test_merchant_sets_stock_and_an_expected_count_guards_against_lost_orders(sku):
    owner = merchant_factories.owner_of(sku.product.merchant)
    assert sku_stock_set(actor=owner, sku_id=sku.pk, stock=40).stock == 40
    sku_stock_reserve(sku_id=sku.pk, quantity=1)
    with pytest.raises(Conflict) as err:
        sku_stock_set(actor=owner, sku_id=sku.pk, stock=50, expected=40)
    assert (err.value.code, err.value.details) == ("catalog.stock_changed", {"stock": 39})
    assert sku_stock_set(actor=owner, sku_id=sku.pk, stock=50, expected=39).stock == 50


def test_stock_set_refuses_negative_and_other_merchants(sku):
    owner = merchant_factories.owner_of(sku.product.merchant)
    with pytest.raises(InvalidInput) as err:
        sku_stock_set(actor=owner, sku_id=sku.pk, stock=-3)
    assert err.value.code == "catalog.stock_negative"
    stranger = merchant_factories.owner_of(merchant_factories.merchant(name="别家"))
    with pytest.raises(NotFound) as err:
        sku_stock_set(actor=stranger, sku_id=sku.pk, stock=1)
    assert err.value.code == "catalog.product_unknown"
    assert Sku.objects.get().stock == 5


def test_money_sums_exactly_on_this_database(db):
    item = factories.product(merchant=merchant_factories.merchant())
    for n, price in enumerate(["0.10", "0.20", "0.10", "0.20", "0.10", "0.20"]):
        factories.sku(product=item, price=price, supply_price="0.00", code=f"C{n}")
    total = Sku.objects.filter(price__in=[Decimal("0.10"), Decimal("0.20")]).aggregate(total=Sum("price"))["total"]
    assert total == Decimal("0.90") and str(total) == "0.90"
    assert Sku.objects.filter(code__in=["C0", "C1"]).aggregate(t=Sum("price"))["t"] == Decimal("0.30")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_reservations_never_oversell():
    sku = factories.sku(product=factories.product(merchant=merchant_factories.merchant()), stock=10)
    outcomes: list[str] = []

    def buy():
        try:
            sku_stock_reserve(sku_id=sku.pk, quantity=1)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("sold out")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=buy) for _ in range(25)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (outcomes.count("ok"), outcomes.count("sold out"), Sku.objects.get().stock) == (10, 15, 0)
