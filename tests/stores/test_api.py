"""The stores API: my store and items, my links and their figures, claiming visits, the public reads, errors."""

from __future__ import annotations

import pytest

from tests.stores import factories as f
from tuishou.accounts.services import api_token_issue
from tuishou.catalog.models import Product
from tuishou.stores.models import ConsumerBinding, ShareLink, StoreItem

pytestmark = pytest.mark.django_db


def _json(client, method, url, body=None, **headers):
    return getattr(client, method)(url, body or {}, content_type="application/json", **headers)


def test_promoter_builds_a_store_through_the_api(client):
    promoter = f.root("阿花")
    honey, tea = f.product(title="蜂蜜", price="59.90"), f.product(title="普洱", price="128.00")
    client.force_login(promoter.user)

    # my store, created on first use
    store = client.get("/api/v1/stores/me").json()
    assert (store["title"], store["items"], store["url"]) == ("阿花的小店", [], f"http://testserver/m/{store['code']}")

    updated = _json(client, "patch", "/api/v1/stores/me", {"slogan": "只卖自己吃过的"})
    assert (updated.status_code, updated.json()["slogan"]) == (200, "只卖自己吃过的")

    first = _json(client, "post", "/api/v1/stores/me/items",
                  {"product_id": honey.pk, "title": "好蜂蜜", "recommendation": "每天一勺"})
    second = _json(client, "post", "/api/v1/stores/me/items", {"product_id": tea.pk})
    assert (first.status_code, second.status_code) == (201, 201)
    first_id, second_id = first.json()["id"], second.json()["id"]
    assert first.json() == {"id": first_id, "product_id": honey.pk, "product_title": "蜂蜜", "title": "好蜂蜜",
                            "recommendation": "每天一勺", "position": 0, "hidden": False}

    edited = _json(client, "patch", f"/api/v1/stores/me/items/{second_id}", {"hidden": True, "title": "老班章"})
    assert (edited.json()["hidden"], edited.json()["title"]) == (True, "老班章")

    reordered = _json(client, "post", "/api/v1/stores/me/items/reorder", {"item_ids": [second_id, first_id]})
    assert [(i["id"], i["position"]) for i in reordered.json()] == [(second_id, 0), (first_id, 1)]

    # the public store shows the visible item only, with its product page code
    public = client.get(f"/api/v1/stores/public/stores/{store['code']}").json()
    honey_code = ShareLink.objects.get(promoter=promoter, product=honey).code
    assert public["items"] == [{"product_id": honey.pk, "title": "好蜂蜜", "recommendation": "每天一勺",
                                "price": "59.90", "product_code": honey_code, "cover_url": None}]

    removed = client.delete(f"/api/v1/stores/me/items/{second_id}")
    assert removed.status_code == 204
    assert list(StoreItem.objects.values_list("id", flat=True)) == [first_id]


def test_share_links_stats_and_public_product(client):
    promoter = f.root("阿花")
    honey = f.product(title="蜂蜜", price="59.90")
    token = api_token_issue(user=promoter.user).token
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    created = _json(client, "post", "/api/v1/stores/me/links", {"target": "product", "product_id": honey.pk}, **auth)
    reused = _json(client, "post", "/api/v1/stores/me/links", {"target": "product", "product_id": honey.pk}, **auth)
    code = created.json()["code"]
    assert (created.status_code, reused.status_code, reused.json()["code"]) == (201, 200, code)
    assert created.json()["url"] == f"http://testserver/s/{code}"
    assert created.json()["poster_url"] == f"http://testserver/s/{code}/poster.png"
    assert [link["code"] for link in client.get("/api/v1/stores/me/links", **auth).json()] == [code]

    # two clicks from one browser within a day: one click (a repeat does not inflate the figures)
    visitor = client.__class__()
    visitor.get(f"/s/{code}")
    visitor.get(f"/s/{code}")
    stats = client.get(f"/api/v1/stores/me/links/{code}/stats", **auth).json()
    assert stats == {"code": code, "clicks": 1, "unique_visitors": 1, "orders": 0, "orders_with_code": 0,
                     "orders_through_binding": 0}

    product = client.get(f"/api/v1/stores/public/products/{code}").json()
    sku = honey.skus.get()
    assert (product["title"], product["price"], product["promoter_name"]) == ("蜂蜜", "59.90", "阿花")
    assert product["skus"] == [{"id": sku.pk, "spec_name": sku.spec_name, "price": "59.90", "in_stock": True,
                                "buy_url": f"/checkout/?sku={sku.pk}&share={code}"}]


def test_visits_claimed_after_sign_in(client):
    # given an anonymous visit through A's link in this browser
    promoter = f.root("阿花")
    link, _ = f.services_share_link(promoter)
    client.get(f"/s/{link.code}")
    buyer = f.consumer()

    # when the consumer signs in and the client claims the visits
    client.force_login(buyer)
    claimed = _json(client, "post", "/api/v1/stores/visits/claim")

    # then they are bound to A
    assert claimed.json() == {"claimed": 1}
    assert list(ConsumerBinding.objects.values_list("consumer_id", "promoter_id")) == [(buyer.pk, promoter.pk)]


def test_api_errors_have_the_one_json_shape(client):
    owner, other = f.root("阿花"), f.root("阿明")
    off = f.product()
    Product.objects.filter(pk=off.pk).update(status=Product.Status.OFF_SHELF)
    client.force_login(owner.user)
    item = _json(client, "post", "/api/v1/stores/me/items", {"product_id": f.product().pk}).json()
    other_link, _ = f.services_share_link(other)

    cases = [
        (_json(client, "post", "/api/v1/stores/me/items", {"product_id": off.pk}), 409, "stores.product_unavailable"),
        (_json(client, "post", "/api/v1/stores/me/items/reorder", {"item_ids": [item["id"], 999]}), 400,
         "stores.reorder_mismatch"),
        (_json(client, "post", "/api/v1/stores/me/items", {"title": "no product"}), 422, "request.invalid"),
        (_json(client, "post", "/api/v1/stores/me/links", {"target": "banner"}), 400, "stores.link_target_unknown"),
        (client.get(f"/api/v1/stores/me/links/{other_link.code}/stats"), 404, "stores.link_unknown"),
        (client.get("/api/v1/stores/public/stores/zzzzzzz"), 404, "stores.store_unknown"),
        (client.get("/api/v1/stores/public/products/zzzzzzz"), 404, "stores.link_unknown"),
    ]
    client.force_login(other.user)
    cases.append((_json(client, "patch", f"/api/v1/stores/me/items/{item['id']}", {"title": "x"}), 404,
                  "stores.store_unknown"))
    client.force_login(f.consumer())
    cases.append((client.get("/api/v1/stores/me"), 404, "network.not_a_promoter"))
    client.logout()
    cases.append((client.get("/api/v1/stores/me"), 401, "auth.required"))

    for response, status, code in cases:
        body = response.json()
        assert (response.status_code, body["code"]) == (status, code), body
        assert isinstance(body["message"], str) and body["message"]
    assert StoreItem.objects.count() == 1
    assert StoreItem.objects.get().title == ""


def test_openapi_documents_the_stores_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert {"/api/v1/stores/me", "/api/v1/stores/me/items", "/api/v1/stores/me/links",
            "/api/v1/stores/public/products/{code}"} <= set(paths)
