from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from tests.catalog import factories
from tests.merchants import factories as merchant_factories
from tuishou.campaigns.models import Campaign
from tuishou.catalog.images import placeholder_image
from tuishou.catalog.models import Product, ProductImage, ProductStatusChange, Sku
from tuishou.catalog.selectors import sku_for_sale, sku_selling_price, supply_pool
from tuishou.catalog.services import (
    product_approve,
    product_create,
    product_image_add,
    product_image_remove,
    product_inspected_set,
    product_reject,
    product_shelve,
    product_submit,
    product_unshelve,
    product_update,
    product_withdraw,
    sku_active_set,
    sku_create,
    sku_update,
)
from tuishou.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tuishou.merchants.models import Merchant
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db

SKU = {"spec_name": "500g×2袋", "code": "HONEY-500", "price": "59.90", "supply_price": "35.00",
       "commission_mode": "percent", "commission_rate": "0.2000", "stock": 120}


@pytest.fixture
def shop():
    return merchant_factories.merchant()


@pytest.fixture
def owner(shop):
    return merchant_factories.owner_of(shop)


def test_the_whole_way_from_draft_to_the_supply_pool(shop, owner):
    ops = merchant_factories.operator()
    item = product_create(actor=owner, merchant_id=shop.pk, title=" 高山蜂蜜 ", category="食品", description="百花蜜")
    sku = sku_create(actor=owner, product_id=item.pk, **SKU)
    assert (item.status, item.title) == ("draft", "高山蜂蜜")
    assert (sku.price, sku.supply_price, sku.stock, sku.commission_rate, sku.commission_amount) == (
        Decimal("59.90"), Decimal("35.00"), 120, Decimal("0.2000"), None)
    product_submit(actor=owner, product_id=item.pk)
    product_approve(actor=ops, product_id=item.pk)
    product_shelve(actor=owner, product_id=item.pk)
    listed = supply_pool().get()
    assert (listed.pk, listed.min_price, listed.total_stock) == (item.pk, Decimal("59.90"), 120)
    assert list(ProductStatusChange.objects.values_list("event", flat=True)) == ["submit", "approve", "shelve"]
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["catalog.product_approved"]


def test_fixed_commission_is_stored_as_an_amount(shop, owner):
    item = factories.product(merchant=shop)
    sku = sku_create(actor=owner, product_id=item.pk, **{**SKU, "commission_mode": "fixed", "commission_rate": None,
                                                       "commission_amount": "8.50"})
    assert (sku.commission_mode, sku.commission_rate, sku.commission_amount) == ("fixed", None, Decimal("8.50"))


@pytest.mark.parametrize(("changes", "code"), [
    ({"price": "59.9x"}, "money.malformed"),
    ({"price": "1e30"}, "money.malformed"),  # amounts are plain decimal strings (issue 12)
    ({"price": "1" + "0" * 30}, "money.too_large"),
    ({"price": 59.9}, "money.malformed"),
    ({"price": "59.901"}, "money.too_precise"),
    ({"price": "-1.00"}, "money.negative"),
    ({"price": "0"}, "catalog.price_not_positive"),
    ({"price": "10000000.01"}, "catalog.price_too_large"),
    ({"supply_price": "60.00"}, "catalog.supply_price_above_price"),
    ({"stock": -1}, "catalog.stock_negative"),
    ({"stock": "12"}, "catalog.stock_malformed"),
    ({"commission_rate": "1.2"}, "catalog.commission_rate_out_of_range"),
    ({"commission_rate": "-0.1"}, "catalog.commission_rate_out_of_range"),
    ({"commission_rate": "0.12345"}, "catalog.commission_rate_malformed"),
    ({"commission_rate": None}, "catalog.commission_rate_required"),
    ({"commission_amount": "1.00"}, "catalog.commission_setting_ambiguous"),
    ({"commission_mode": "fixed", "commission_rate": None, "commission_amount": "59.91"},
     "catalog.commission_above_price"),
    ({"commission_mode": "fixed", "commission_rate": None}, "catalog.commission_amount_required"),
    ({"commission_mode": "share"}, "catalog.commission_mode_unknown"),
    ({"code": ""}, "catalog.field_required"),
])
def test_bad_sku_input_is_refused_and_nothing_is_written(shop, owner, changes, code):
    item = factories.product(merchant=shop)
    with pytest.raises(InvalidInput) as err:
        sku_create(actor=owner, product_id=item.pk, **{**SKU, **changes})
    assert err.value.code == code
    assert Sku.objects.count() == 0
    assert ProductStatusChange.objects.count() == 0


def test_duplicate_sku_code_in_a_product_is_a_conflict(shop, owner):
    item = factories.product(merchant=shop)
    sku_create(actor=owner, product_id=item.pk, **SKU)
    with pytest.raises(Conflict) as err:
        sku_create(actor=owner, product_id=item.pk, **SKU)
    assert err.value.code == "catalog.sku_code_taken"
    assert Sku.objects.count() == 1
    other = factories.product(merchant=shop)
    assert sku_create(actor=owner, product_id=other.pk, **SKU).code == "HONEY-500"


def test_staff_of_another_merchant_cannot_touch_the_product(shop):
    item = factories.product(merchant=shop)
    stranger = merchant_factories.owner_of(merchant_factories.merchant(name="别家"))
    for call in (lambda: sku_create(actor=stranger, product_id=item.pk, **SKU),
                 lambda: product_update(actor=stranger, product_id=item.pk, title="改名"),
                 lambda: product_submit(actor=stranger, product_id=item.pk)):
        with pytest.raises(NotFound) as err:
            call()
        assert err.value.code == "catalog.product_unknown"
    assert (Sku.objects.count(), Product.objects.get().title, Product.objects.get().status) == (0, "高山蜂蜜", "draft")


def test_creating_for_an_unknown_foreign_or_suspended_merchant_is_refused(shop, owner):
    with pytest.raises(NotFound) as err:
        product_create(actor=owner, merchant_id=999, title="x", category="食品")
    assert err.value.code == "merchants.merchant_unknown"
    other = merchant_factories.merchant(name="别家")
    with pytest.raises(PermissionDenied) as err:
        product_create(actor=owner, merchant_id=other.pk, title="x", category="食品")
    assert err.value.code == "merchants.not_staff"
    Merchant.objects.filter(pk=shop.pk).update(status="suspended")
    with pytest.raises(Conflict) as err:
        product_create(actor=owner, merchant_id=shop.pk, title="x", category="食品")
    assert err.value.code == "merchants.merchant_suspended"
    assert Product.objects.count() == 0


def test_unknown_product_is_not_found(owner):
    with pytest.raises(NotFound) as err:
        sku_create(actor=owner, product_id=999, **SKU)
    assert err.value.code == "catalog.product_unknown"


def test_submitting_without_an_active_sku_is_refused(shop, owner):
    item = factories.product(merchant=shop)
    with pytest.raises(InvalidInput) as err:
        product_submit(actor=owner, product_id=item.pk)
    assert err.value.code == "catalog.product_incomplete"
    assert Product.objects.get().status == "draft"


def test_editing_a_listed_product_needs_it_off_the_shelf_and_then_sends_it_back_to_review(shop, owner):
    item = factories.on_shelf(merchant=shop)
    sku = item.skus.get()
    with pytest.raises(Conflict) as err:
        sku_update(actor=owner, sku_id=sku.pk, price="17.90")
    assert (err.value.code, Sku.objects.get().price) == ("catalog.product_not_editable", Decimal("19.90"))
    product_unshelve(actor=owner, product_id=item.pk)
    updated = sku_update(actor=owner, sku_id=sku.pk, price="17.90")
    assert (updated.price, Product.objects.get().status) == (Decimal("17.90"), "draft")
    assert list(ProductStatusChange.objects.values_list("event", flat=True)) == ["unshelve", "revise"]


def test_a_lower_price_must_still_cover_a_fixed_commission(shop, owner):
    item = factories.product(merchant=shop)
    sku = factories.sku(product=item, price="19.90", commission_amount="5.00")
    with pytest.raises(InvalidInput) as err:
        sku_update(actor=owner, sku_id=sku.pk, price="4.99", supply_price="1.00")
    assert err.value.code == "catalog.commission_above_price"
    assert Sku.objects.get().price == Decimal("19.90")


def test_reject_records_the_reason_and_resubmission_is_allowed(shop, owner):
    ops = merchant_factories.operator()
    item = factories.product(merchant=shop, status=Product.Status.PENDING_REVIEW)
    factories.sku(product=item)
    product_reject(actor=ops, product_id=item.pk, reason="主图含联系方式")
    assert (Product.objects.get().status, Product.objects.get().reject_reason) == ("rejected", "主图含联系方式")
    assert AuditEntry.objects.get().reason == "主图含联系方式"
    product_submit(actor=owner, product_id=item.pk)
    assert Product.objects.get().status == "pending_review"


def test_merchant_staff_cannot_approve_and_approving_twice_is_a_conflict(shop, owner):
    item = factories.product(merchant=shop, status=Product.Status.PENDING_REVIEW)
    with pytest.raises(PermissionDenied):
        product_approve(actor=owner, product_id=item.pk)
    ops = merchant_factories.operator()
    product_approve(actor=ops, product_id=item.pk)
    with pytest.raises(Conflict) as err:
        product_approve(actor=ops, product_id=item.pk)
    assert err.value.code == "catalog.transition_invalid"
    assert ProductStatusChange.objects.count() == 1 and AuditEntry.objects.count() == 1


def test_an_operator_takes_a_product_off_the_shelf_with_a_reason(shop):
    ops = merchant_factories.operator()
    item = factories.on_shelf(merchant=shop)
    with pytest.raises(InvalidInput) as err:
        product_unshelve(actor=ops, product_id=item.pk)
    assert err.value.code == "catalog.field_required"
    product_unshelve(actor=ops, product_id=item.pk, reason="投诉较多")
    assert Product.objects.get().status == "off_shelf"
    assert AuditEntry.objects.get().action == "catalog.product_unshelved"


def test_the_hot_zone_is_the_products_running_campaign(shop):
    item = factories.on_shelf(merchant=shop, price="19.90")
    other = factories.on_shelf(merchant=shop, price="9.90")
    campaign = factories.hot_campaign(item, price="15.90")
    assert list(supply_pool(zone="hot")) == [item]
    assert list(supply_pool()) == [item, other]  # a running campaign heads the pool, newest first after it
    listed = supply_pool().get(pk=item.pk)
    assert (listed.hot, listed.hot_price, listed.hot_ends_at) == (True, Decimal("15.90"), campaign.ends_at)
    assert sku_selling_price(item.skus.get()) == Decimal("15.90")
    Campaign.objects.filter(pk=campaign.pk).update(status="ended")
    assert list(supply_pool(zone="hot")) == [] and list(supply_pool()) == [other, item]
    assert sku_selling_price(item.skus.get()) == Decimal("19.90")


def test_a_campaign_window_in_the_future_is_not_open_yet_and_a_past_one_is_closed(shop):
    item = factories.on_shelf(merchant=shop)
    start = timezone.now() + timedelta(days=1)
    factories.hot_campaign(item, price="15.90", starts_at=start, ends_at=start + timedelta(days=1))
    assert list(supply_pool(zone="hot")) == []
    assert list(supply_pool(zone="hot", now=start + timedelta(hours=1))) == [item]
    assert list(supply_pool(zone="hot", now=start + timedelta(days=1))) == []
    assert sku_selling_price(item.skus.get(), now=start + timedelta(hours=1)) == Decimal("15.90")
    assert sku_selling_price(item.skus.get(), now=start + timedelta(days=1)) == Decimal("19.90")


def test_zones_need_an_approved_product(shop):
    item = factories.product(merchant=shop)
    ops = merchant_factories.operator()
    for call in (lambda: product_inspected_set(actor=ops, product_id=item.pk, inspected=True),):
        with pytest.raises(Conflict) as err:
            call()
        assert err.value.code == "catalog.product_not_approved"
    assert AuditEntry.objects.count() == 0


def test_inspected_badge_puts_the_product_in_the_inspected_zone(shop):
    item = factories.on_shelf(merchant=shop)
    factories.on_shelf(merchant=shop, title="另一件")
    product_inspected_set(actor=merchant_factories.operator(), product_id=item.pk, inspected=True)
    assert [p.pk for p in supply_pool(zone="inspected")] == [item.pk]
    assert Product.objects.get(pk=item.pk).inspected_at is not None


def test_supply_pool_leaves_out_what_is_not_for_sale_and_filters(shop):
    listed = factories.on_shelf(merchant=shop, title="高山蜂蜜", price="59.90")
    factories.sku(product=listed, price="29.90", code="SMALL")
    factories.sku(product=listed, price="9.90", code="OFF", active=False)
    factories.on_shelf(merchant=shop, title="有机大米", category="粮油", price="39.00")
    factories.product(merchant=shop, status=Product.Status.APPROVED)
    factories.product(merchant=shop, status=Product.Status.ON_SHELF)  # no SKU
    factories.on_shelf(merchant=merchant_factories.merchant(name="停业", status="suspended"))
    assert [(p.title, p.min_price) for p in supply_pool(sort="price_asc")] == [
        ("高山蜂蜜", Decimal("29.90")), ("有机大米", Decimal("39.00"))]
    assert [p.title for p in supply_pool(category="粮油")] == ["有机大米"]
    assert [p.title for p in supply_pool(search="蜂蜜")] == ["高山蜂蜜"]
    with pytest.raises(InvalidInput) as err:
        supply_pool(zone="vip")
    assert err.value.code == "catalog.zone_unknown"


def test_images_are_checked_stored_and_ordered(shop, owner):
    item = factories.product(merchant=shop)
    first = product_image_add(actor=owner, product_id=item.pk, image=placeholder_image("高山蜂蜜", seed=1))
    second = product_image_add(actor=owner, product_id=item.pk, image=placeholder_image("高山蜂蜜", seed=2))
    assert (first.position, second.position) == (0, 1)
    assert first.image.name.startswith("products/") and first.image.size > 0
    with pytest.raises(InvalidInput) as err:
        product_image_add(actor=owner, product_id=item.pk, image=ContentFile(b"not a picture", name="x.png"))
    assert err.value.code == "catalog.image_invalid"
    assert ProductImage.objects.count() == 2


def test_placeholder_image_is_a_deterministic_png():
    a, b = placeholder_image("高山蜂蜜", seed=7), placeholder_image("高山蜂蜜", seed=7)
    assert a.read() == b.read()
    a.seek(0)
    assert a.read(8) == b"\x89PNG\r\n\x1a\n" and a.name.endswith(".png")
    assert placeholder_image("高山蜂蜜", seed=8).read() != placeholder_image("高山蜂蜜", seed=7).read()


def test_withdraw_from_review_and_switch_an_sku_off_without_review(shop, owner):
    item = factories.product(merchant=shop, status=Product.Status.PENDING_REVIEW)
    sku = factories.sku(product=item)
    assert product_withdraw(actor=owner, product_id=item.pk).status == "draft"
    listed = factories.on_shelf(merchant=shop, title="在售")
    listed_sku = listed.skus.get()
    assert sku_active_set(actor=owner, sku_id=listed_sku.pk, active=False).active is False
    assert Product.objects.get(pk=listed.pk).status == "on_shelf"
    assert list(supply_pool()) == []  # no active SKU left, so not for sale
    assert Sku.objects.get(pk=sku.pk).active is True


def test_sku_for_sale_only_while_listed(shop):
    listed = factories.on_shelf(merchant=shop)
    sku = listed.skus.get()
    assert sku_for_sale(sku_id=sku.pk) == sku
    Product.objects.filter(pk=listed.pk).update(status=Product.Status.OFF_SHELF)
    with pytest.raises(Conflict) as err:
        sku_for_sale(sku_id=sku.pk)
    assert err.value.code == "catalog.sku_unavailable"
    with pytest.raises(NotFound) as err:
        sku_for_sale(sku_id=999)
    assert err.value.code == "catalog.sku_unknown"


def test_removing_a_picture_of_a_draft(shop, owner):
    item = factories.product(merchant=shop)
    picture = product_image_add(actor=owner, product_id=item.pk, image=placeholder_image("x", seed=1))
    stranger = merchant_factories.owner_of(merchant_factories.merchant(name="别家"))
    with pytest.raises(NotFound) as err:
        product_image_remove(actor=stranger, image_id=picture.pk)
    assert err.value.code == "catalog.product_unknown"
    product_image_remove(actor=owner, image_id=picture.pk)
    assert ProductImage.objects.count() == 0
