"""On PostgreSQL (SQLite ignores row locks): N buyers checking out at once over an allocation of K units sell
exactly K, each over the allocation refused with ``campaigns.sold_out``."""

from __future__ import annotations

import uuid

import pytest

from tests.campaigns import factories as cf
from tests.concurrency import at_once
from tests.orders import factories as of
from tuishou.campaigns.models import Campaign
from tuishou.catalog.models import Sku
from tuishou.core.errors import DomainError
from tuishou.orders.checkout import checkout_submit
from tuishou.orders.models import Checkout, OrderLine

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_parallel_checkouts_over_an_allocation_sell_exactly_the_allocation():
    item = cf.product(stock=50)
    small, big = item.skus.order_by("pk")
    cf.running(item, allocation=7)
    buyers = [of.buyer() for _ in range(12)]
    addresses = [of.address(b).pk for b in buyers]

    def buy(i):
        sku = small if i % 2 else big  # both SKUs draw on the one allocation
        return lambda: checkout_submit(buyer=buyers[i], lines=[(sku.pk, 1)], address_id=addresses[i],
                                       idempotency_key=uuid.uuid4().hex)

    results = at_once([buy(i) for i in range(12)])
    won = [r for r in results if isinstance(r, Checkout)]
    lost = [r for r in results if isinstance(r, DomainError)]
    assert (len(won), len(lost)) == (7, 5), results
    assert {e.code for e in lost} == {"campaigns.sold_out"}
    assert Campaign.objects.get().sold == 7
    assert sum(OrderLine.objects.filter(campaign__isnull=False).values_list("quantity", flat=True)) == 7
    assert sum(Sku.objects.filter(product=item).values_list("stock", flat=True)) == 100 - 7
