"""Concurrent first visits and link requests (PostgreSQL: SQLite serialises writers anyway)."""

from __future__ import annotations

import pytest

from tests.concurrency import at_once, errors_of
from tests.stores import factories as f
from tuishou.stores.attribution import attribution_record_visit
from tuishou.stores.models import ConsumerBinding, ShareLink
from tuishou.stores.services import share_link_get_or_create


def _together(*calls):
    """Run the calls at once; re-raise the first error."""
    errors = errors_of(at_once(calls))
    if errors:
        raise errors[0]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_first_clicks_at_once_make_one_binding():
    f.plan(mode="first_click", valid_days=30)
    a, b = f.root("阿花"), f.root("阿明")
    links = [share_link_get_or_create(promoter=p, target=ShareLink.Target.STORE) for p in (a, b)]
    buyer = f.consumer()

    _together(*(lambda link=link: attribution_record_visit(link=link, visitor_key="", user=buyer, at=f.T0)
                for link in links))

    assert ConsumerBinding.objects.filter(consumer=buyer).count() == 1
    assert ConsumerBinding.objects.get(consumer=buyer).promoter_id in {a.pk, b.pk}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_same_link_requested_at_once_is_one_link():
    promoter = f.root("阿花")
    honey = f.product()
    made = []

    _together(*(lambda: made.append(share_link_get_or_create(promoter=promoter, target="product",
                                                              product_id=honey.pk).code) for _ in range(4)))

    assert ShareLink.objects.filter(promoter=promoter, product=honey).count() == 1
    assert len(set(made)) == 1
