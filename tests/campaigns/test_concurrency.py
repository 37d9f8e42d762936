"""On PostgreSQL (SQLite ignores row locks): N buyers checking out at once over an allocation of K units sell
exactly K, each over the allocation refused with ``campaigns.sold_out``."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection, transaction

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


def test_a_sold_out_campaign_is_refused_without_waiting_on_its_row():
    """Refuse early: with the allocation gone, a buyer is answered ``campaigns.sold_out`` from a read without a
    lock, even while another transaction holds the campaign's row (as the last buyers' checkouts do)."""
    item = cf.product(stock=50)
    small, _big = item.skus.order_by("pk")
    campaign = cf.running(item, allocation=3)
    Campaign.objects.filter(pk=campaign.pk).update(sold=3)
    person = of.buyer()
    home = of.address(person).pk
    outcome = []

    def buy():
        try:
            checkout_submit(buyer=person, lines=[(small.pk, 1)], address_id=home, idempotency_key=uuid.uuid4().hex)
        except DomainError as exc:
            outcome.append(exc.code)
        finally:
            connection.close()

    with transaction.atomic():
        Campaign.objects.select_for_update().get(pk=campaign.pk)  # held until this block ends
        buyer_thread = threading.Thread(target=buy)
        buyer_thread.start()
        buyer_thread.join(timeout=20)
        answered = list(outcome)
    buyer_thread.join(timeout=20)
    assert answered == ["campaigns.sold_out"]
    assert (Checkout.objects.count(), Campaign.objects.get().sold) == (0, 3)
