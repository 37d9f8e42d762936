"""The operators' desk shows a page only to the roles that may open it: product reviews and inspections are ops'
work (PRODUCT.md: operators vet products; customer service handles escalated after-sales), so customer service
neither sees them in the navigation nor opens them (403), while ops see and open both."""

from __future__ import annotations

import pytest

from tests.orders import factories as of

pytestmark = pytest.mark.django_db
AFTER_SALES = "/ops/after-sales/"


def _desk(client, role: str, path: str) -> str:
    client.force_login(of.operator(role))
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_customer_service_neither_sees_nor_opens_product_reviews_and_inspections(client):
    html = _desk(client, "customer_service", AFTER_SALES)
    assert 'href="/ops/reviews/"' not in html and 'href="/ops/inspections/"' not in html
    assert f'href="{AFTER_SALES}"' in html
    assert client.get("/ops/reviews/").status_code == 403


def test_ops_see_and_open_product_reviews_and_inspections(client):
    html = _desk(client, "ops", "/ops/reviews/")
    assert 'href="/ops/reviews/"' in html and 'href="/ops/inspections/"' in html
    assert client.get("/ops/inspections/").status_code == 200
