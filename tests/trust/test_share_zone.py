"""The inspected zone's rule (issue 11) holds for share links as for picks: a promoter whose rank sees only the
inspected zone gets no new link to goods without the badge (``community.zone_restricted``), through the API and
through a material's page; nothing is written. With the badge, or a rank that sees every zone, the link is made."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.community import inspection_factories as f
from tuishou.accounts.services import api_token_issue
from tuishou.catalog.models import Product
from tuishou.community import inspections as svc
from tuishou.community import materials
from tuishou.community.models import Citation
from tuishou.core.errors import DomainError
from tuishou.stores.models import ShareLink
from tuishou.stores.services import share_link_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    world = f.world()
    svc.inspection_settings_set(actor=world["ops"], community_id=world["hua"].community_id,
                                inspector_rank="shopkeeper", passes_required=3, reward="5.00",
                                all_zones_rank="shopkeeper")
    return world


def _post_link(promoter, product_id):
    token = api_token_issue(user=promoter.user).token
    return Client().post("/api/v1/stores/me/links", {"target": "product", "product_id": product_id},
                         content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}",
                         HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_the_api_refuses_a_link_to_goods_outside_the_inspected_zone(w):
    answer = _post_link(w["member"], w["product"].pk)
    assert answer.status_code == 409
    body = answer.json()
    assert body["code"] == "community.zone_restricted" and body["details"] == {"product_id": w["product"].pk}
    assert body["message"] == "你当前的等级只能从验货区选品（达到 店主 后开放全部专区）。"
    assert ShareLink.objects.filter(promoter=w["member"]).count() == 0


def test_the_service_refuses_it_and_allows_it_with_the_badge_or_a_rank_that_sees_every_zone(w):
    with pytest.raises(DomainError) as caught:
        share_link_create(user=w["member"].user, target="product", product_id=w["product"].pk)
    assert (caught.value.code, caught.value.params["rank"]) == ("community.zone_restricted", "店主")
    store, created = share_link_create(user=w["member"].user, target="store")
    assert created and store.target == "store"  # the store itself can still be shared
    link, created = share_link_create(user=w["inspectors"][0].user, target="product", product_id=w["product"].pk)
    assert created and link.product_id == w["product"].pk
    Product.objects.filter(pk=w["product"].pk).update(inspected=True)
    answer = _post_link(w["member"], w["product"].pk)
    assert answer.status_code == 201 and answer.json()["product_id"] == w["product"].pk


def test_reusing_a_material_of_uninspected_goods_is_refused_on_its_page(w):
    material = materials.material_publish(user=w["inspectors"][0].user, product_id=w["product"].pk,
                                          text="好吃不贵，回购三次了", images=[f.png()])
    client = Client()
    client.force_login(w["member"].user)
    answer = client.post(f"/centre/materials/{material.pk}/reuse/", {"channel": "wechat"}, follow=True)
    assert answer.status_code == 200
    assert "你当前的等级只能从验货区选品（达到 店主 后开放全部专区）。" in answer.content.decode()
    assert Citation.objects.filter(promoter=w["member"]).count() == 0
    assert ShareLink.objects.filter(promoter=w["member"]).count() == 0
    with pytest.raises(DomainError) as caught:
        materials.material_reuse(user=w["member"].user, material_id=material.pk, channel="wechat")
    assert caught.value.code == "community.zone_restricted"
