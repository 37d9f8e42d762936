import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.catalog import factories
from tests.merchants import factories as merchant_factories
from tuishou.catalog.images import placeholder_image
from tuishou.catalog.models import Product, Sku

pytestmark = pytest.mark.django_db

SKU = {"spec_name": "500g×2袋", "code": "HONEY-500", "price": "59.90", "supply_price": "35.00",
       "commission_mode": "percent", "commission_rate": "0.2000", "stock": 120}


def _json(client, method, url, body=None):
    return getattr(client, method)(url, body or {}, content_type="application/json")


def test_merchant_lists_a_product_and_it_appears_in_the_public_pool(client):
    shop = merchant_factories.merchant()
    client.force_login(merchant_factories.owner_of(shop))
    created = _json(client, "post", "/api/v1/catalog/products",
                    {"merchant_id": shop.pk, "title": "高山蜂蜜", "category": "食品", "description": "百花蜜"})
    assert created.status_code == 201
    product_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    sku = _json(client, "post", f"/api/v1/catalog/products/{product_id}/skus", SKU)
    sku_id = Sku.objects.get().pk
    assert (sku.status_code, sku.json()) == (201, {
        "id": sku_id, "spec_name": "500g×2袋", "price": "59.90", "selling_price": "59.90", "stock": 120,
        "commission_mode": "percent", "commission_rate": "0.2000", "commission_amount": None,
        "code": "HONEY-500", "supply_price": "35.00", "active": True})
    upload = placeholder_image("高山蜂蜜", seed=1)
    image = client.post(f"/api/v1/catalog/products/{product_id}/images",
                        {"image": SimpleUploadedFile("honey.png", upload.read(), content_type="image/png")})
    assert (image.status_code, image.json()["position"]) == (201, 0)
    assert _json(client, "post", f"/api/v1/catalog/products/{product_id}/submit").json()["status"] == "pending_review"

    client.force_login(merchant_factories.operator())
    assert [p["id"] for p in client.get("/api/v1/catalog/review-queue").json()] == [product_id]
    assert _json(client, "post", f"/api/v1/catalog/products/{product_id}/approve").json()["status"] == "approved"

    client.force_login(merchant_factories.owner_of(shop))
    assert _json(client, "post", f"/api/v1/catalog/products/{product_id}/shelve").json()["status"] == "on_shelf"

    client.logout()
    pool = client.get("/api/v1/catalog/products").json()
    cover = image.json()["url"]
    assert pool == {"count": 1, "items": [{
        "id": product_id, "title": "高山蜂蜜", "category": "食品", "merchant": {"id": shop.pk, "name": "山野优品"},
        "min_price": "59.90", "hot_price": None, "hot_ends_at": None, "in_hot_zone": False, "inspected": False,
        "total_stock": 120, "cover": cover}]}
    detail = client.get(f"/api/v1/catalog/products/{product_id}").json()
    assert detail["description"] == "百花蜜"
    assert detail["skus"] == [{"id": sku_id, "spec_name": "500g×2袋", "price": "59.90", "selling_price": "59.90",
                               "stock": 120, "commission_mode": "percent", "commission_rate": "0.2000",
                               "commission_amount": None}]
    assert "supply_price" not in detail["skus"][0]


def test_malformed_and_too_precise_prices_get_stable_codes(client):
    shop = merchant_factories.merchant()
    item = factories.product(merchant=shop)
    client.force_login(merchant_factories.owner_of(shop))
    resp = _json(client, "post", f"/api/v1/catalog/products/{item.pk}/skus", {**SKU, "price": "59,90"})
    assert (resp.status_code, resp.json()) == (400, {
        "code": "money.malformed", "message": "price: '59,90' is not an amount; give it as a decimal string.",
        "details": {"field": "price"}})
    resp = _json(client, "post", f"/api/v1/catalog/products/{item.pk}/skus", {**SKU, "price": "59.901"})
    assert (resp.status_code, resp.json()) == (400, {
        "code": "money.too_precise", "message": "price: 59.901 has more than 2 decimal places.",
        "details": {"field": "price"}})
    resp = _json(client, "post", f"/api/v1/catalog/products/{item.pk}/skus", {**SKU, "stock": -1})
    assert (resp.status_code, resp.json()) == (400, {
        "code": "catalog.stock_negative", "message": "stock must not be negative.", "details": {"field": "stock"}})
    resp = _json(client, "post", f"/api/v1/catalog/products/{item.pk}/skus", {
        **SKU, "commission_mode": "fixed", "commission_rate": None, "commission_amount": "60.00"})
    assert (resp.status_code, resp.json()["code"]) == (400, "catalog.commission_above_price")
    assert Sku.objects.count() == 0


def test_another_merchants_product_is_unknown(client):
    item = factories.product(merchant=merchant_factories.merchant())
    sku = factories.sku(product=item)
    client.force_login(merchant_factories.owner_of(merchant_factories.merchant(name="别家")))
    resp = _json(client, "put", f"/api/v1/catalog/skus/{sku.pk}/stock", {"stock": 0})
    assert (resp.status_code, resp.json()) == (404, {
        "code": "catalog.product_unknown", "message": f"There is no product {item.pk}.",
        "details": {"product_id": item.pk}})
    assert Sku.objects.get().stock == 100


def test_stock_set_and_an_illegal_move(client):
    shop = merchant_factories.merchant()
    item = factories.on_shelf(merchant=shop)
    sku = item.skus.get()
    client.force_login(merchant_factories.owner_of(shop))
    resp = _json(client, "put", f"/api/v1/catalog/skus/{sku.pk}/stock", {"stock": 7, "expected": 100})
    assert resp.json()["stock"] == 7
    resp = _json(client, "post", f"/api/v1/catalog/products/{item.pk}/submit")
    assert (resp.status_code, resp.json()) == (409, {
        "code": "catalog.transition_invalid", "message": "This product cannot go from On shelf to Pending review.",
        "details": {"status": "on_shelf", "to": "pending_review", "event": "submit"}})


def test_the_pool_shows_the_running_campaigns_hot_price(client):
    item = factories.on_shelf(merchant=merchant_factories.merchant(), price="19.90")
    campaign = factories.hot_campaign(item, price="15.90")
    client.force_login(merchant_factories.operator())
    resp = _json(client, "put", f"/api/v1/catalog/products/{item.pk}/inspected", {"inspected": True})
    assert (resp.json()["in_hot_zone"], resp.json()["hot_price"]) == (True, "15.90")
    assert resp.json()["hot_ends_at"].startswith(campaign.ends_at.isoformat()[:19])
    client.logout()
    hot = client.get("/api/v1/catalog/products?zone=hot").json()["items"]
    assert [(p["id"], p["min_price"], p["hot_price"], p["inspected"]) for p in hot] == [
        (item.pk, "19.90", "15.90", True)]
    assert client.get(f"/api/v1/catalog/products/{item.pk}").json()["skus"][0]["selling_price"] == "15.90"
    resp = client.get("/api/v1/catalog/products?zone=vip")
    assert (resp.status_code, resp.json()["code"]) == (400, "catalog.zone_unknown")


def test_a_product_not_for_sale_is_a_404_in_public(client):
    item = factories.product(merchant=merchant_factories.merchant(), status=Product.Status.APPROVED)
    resp = client.get(f"/api/v1/catalog/products/{item.pk}")
    assert (resp.status_code, resp.json()) == (404, {
        "code": "catalog.product_unknown", "message": f"There is no product {item.pk}.",
        "details": {"product_id": item.pk}})


def test_merchant_staff_see_their_own_products_in_every_status(client):
    shop = merchant_factories.merchant()
    draft = factories.product(merchant=shop, title="草稿")
    factories.product(merchant=merchant_factories.merchant(name="别家"))
    client.force_login(merchant_factories.owner_of(shop))
    assert [p["id"] for p in client.get(f"/api/v1/catalog/merchants/{shop.pk}/products").json()] == [draft.pk]
    patched = _json(client, "patch", f"/api/v1/catalog/products/{draft.pk}", {"title": "高山蜂蜜 500g"})
    assert patched.json()["title"] == "高山蜂蜜 500g"
