"""The community's zone rule holds in the API as on the pool page: a promoter whose rank sees only the inspected
zone (验货区) is shown only inspected goods by ``GET /api/v1/catalog/products``, signed in by token or session,
whatever zone they ask for; a visitor and a promoter of a higher rank see what they ask for."""

from __future__ import annotations

import pytest

from tests.community import inspection_factories as f
from tests.orders import factories as of
from tuishou.accounts.services import api_token_issue
from tuishou.catalog.models import Product
from tuishou.community import inspections as svc

pytestmark = pytest.mark.django_db
URL = "/api/v1/catalog/products"


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(item["title"] for item in response.json()["items"])


def _bearer(promoter) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=promoter.user).token}"}


@pytest.fixture
def w():
    w = f.world()
    svc.inspection_settings_set(actor=w["ops"], community_id=w["hua"].community_id, inspector_rank="shopkeeper",
                                passes_required=3, reward="5.00", all_zones_rank="shopkeeper")
    inspected = of.sku(price="19.90", stock=5)
    Product.objects.filter(pk=inspected.product_id).update(inspected=True, title="验过的蜂蜜")
    Product.objects.filter(pk=w["product"].pk).update(title="没验过的坚果")
    return w


def test_a_promoter_who_sees_only_the_inspected_zone_gets_only_inspected_goods_from_the_api(client, w):
    assert _titles(client.get(URL, **_bearer(w["member"]))) == ["验过的蜂蜜"]
    assert _titles(client.get(URL, {"zone": "hot"}, **_bearer(w["member"]))) == ["验过的蜂蜜"]
    client.force_login(w["member"].user)
    assert _titles(client.get(URL)) == ["验过的蜂蜜"]


def test_a_visitor_and_a_promoter_of_a_higher_rank_see_every_zone(client, w):
    assert _titles(client.get(URL)) == ["没验过的坚果", "验过的蜂蜜"]
    assert _titles(client.get(URL, **_bearer(w["inspectors"][0]))) == ["没验过的坚果", "验过的蜂蜜"]
    assert _titles(client.get(URL, {"zone": "inspected"}, **_bearer(w["inspectors"][0]))) == ["验过的蜂蜜"]
    assert _titles(client.get(URL, HTTP_AUTHORIZATION="Bearer not-a-token")) == ["没验过的坚果", "验过的蜂蜜"]
