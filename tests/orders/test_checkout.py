import uuid
from decimal import Decimal

import pytest

from tests.orders import factories as f
from tuishou.catalog.models import Product, Sku
from tuishou.core.errors import DomainError
from tuishou.orders.checkout import checkout_submit
from tuishou.orders.models import Address, Checkout, Order, OrderLine

pytestmark = pytest.mark.django_db


def _nothing_written(*skus_and_stock):
    assert (Checkout.objects.count(), Order.objects.count(), OrderLine.objects.count()) == (0, 0, 0)
    for sku, stock in skus_and_stock:
        assert Sku.objects.get(pk=sku.pk).stock == stock


def test_checkout_splits_by_merchant_and_snapshots_prices_settings_and_attribution():
    # given two merchants, a promoter's share link and a plan in force
    version = f.plan()
    top = f.root("阿花")
    seller = f.invitee(top, "小李")
    honey = f.sku(merchant=f.shop(fee_rate="0.0600"), price="59.90", stock=10, rate="0.2000")
    tea_shop = f.shop(fee_rate="0.0300", name="茶园")
    tea = f.sku(merchant=tea_shop, price="30.00", stock=5, fixed="4.00", title="龙井")
    cup = f.sku(merchant=tea_shop, price="12.50", stock=5, rate="0.1000", title="茶杯", spec_name="白瓷")
    link = f.share_link(seller, honey.product_id)
    buyer = f.buyer()

    # when the buyer checks out three lines through the link
    result = f.checkout(buyer, [(honey, 2), (tea, 3), (cup, 1)], share_code=link.code)

    # then one order per merchant, stock reserved, prices and commission settings snapshotted
    assert (result.status, result.amount) == ("pending", Decimal("222.30"))
    first, second = Order.objects.filter(checkout=result).order_by("pk")
    assert (first.merchant_id, first.total, first.commission_base, first.fee_rate) == (
        honey.product.merchant_id, Decimal("119.80"), Decimal("23.96"), Decimal("0.0600"))
    assert (second.merchant_id, second.total, second.commission_base, second.fee_rate) == (
        tea_shop.pk, Decimal("102.50"), Decimal("13.25"), Decimal("0.0300"))
    for order in (first, second):
        assert (order.status, order.promoter_id, order.self_purchase, order.share_link_id, order.community_id,
                order.plan_version_id, order.attribution_reason) == (
            "created", seller.pk, False, link.pk, seller.community_id, version.pk, "binding")
        assert (order.recipient_name, order.address_text) == ("王小明", "浙江省杭州市西湖区文三路 100 号 2 幢 301")
    assert list(OrderLine.objects.order_by("pk").values_list(
        "title", "spec_name", "unit_price", "quantity", "paid_amount", "commission_mode", "commission_rate",
        "commission_amount", "commission_base")) == [
        ("云南高山蜂蜜", "500g×2袋", Decimal("59.90"), 2, Decimal("119.80"), "percent", Decimal("0.2000"), None,
         Decimal("23.96")),
        ("龙井", "500g×2袋", Decimal("30.00"), 3, Decimal("90.00"), "fixed", None, Decimal("4.00"), Decimal("12.00")),
        ("茶杯", "白瓷", Decimal("12.50"), 1, Decimal("12.50"), "percent", Decimal("0.1000"), None, Decimal("1.25")),
    ]
    assert [Sku.objects.get(pk=s.pk).stock for s in (honey, tea, cup)] == [8, 2, 4]


def test_changing_the_sku_after_checkout_does_not_change_the_order():
    honey = f.sku(price="59.90", rate="0.2000")
    result = f.checkout(f.buyer(), [(honey, 1)])
    Sku.objects.filter(pk=honey.pk).update(price=Decimal("99.00"), commission_rate=Decimal("0.5000"))
    Product.objects.filter(pk=honey.product_id).update(title="新标题")
    line = OrderLine.objects.get()
    assert (line.title, line.unit_price, line.commission_rate, line.commission_base) == (
        "云南高山蜂蜜", Decimal("59.90"), Decimal("0.2000"), Decimal("11.98"))
    assert Order.objects.get(checkout=result).total == Decimal("59.90")


def test_the_same_idempotency_key_returns_the_first_checkout_and_reserves_once():
    honey = f.sku(stock=10)
    buyer = f.buyer()
    first = f.checkout(buyer, [(honey, 2)], key="checkout-key-1")
    again = f.checkout(buyer, [(honey, 2)], key="checkout-key-1")
    assert again.pk == first.pk
    assert (Checkout.objects.count(), Order.objects.count(), Sku.objects.get(pk=honey.pk).stock) == (1, 1, 8)


@pytest.mark.parametrize("change", ["quantity", "sku", "share_code", "address"])
def test_the_same_idempotency_key_with_another_payload_is_refused_and_writes_nothing(change):
    # given a checkout of two honeys to the buyer's home
    honey, tea = f.sku(stock=10), f.sku(stock=10, title="龙井")
    buyer = f.buyer()
    first = f.checkout(buyer, [(honey, 2)], key="checkout-key-2")
    home = Address.objects.get(user=buyer)
    lines, share_code, address_id = [(honey.pk, 2)], None, home.pk
    if change == "quantity":
        lines = [(honey.pk, 5)]
    elif change == "sku":
        lines = [(tea.pk, 2)]
    elif change == "share_code":
        share_code = "ABCDEFGH"
    else:
        address_id = f.address(buyer, detail="莫干山路 1 号").pk

    # when the same key comes with another payload, it is refused
    with pytest.raises(DomainError) as refused:
        checkout_submit(buyer=buyer, lines=lines, address_id=address_id, share_code=share_code,
                        idempotency_key="checkout-key-2")

    # then the first checkout stands alone and nothing more is reserved
    assert (refused.value.code, refused.value.status, refused.value.details) == (
        "orders.idempotency_key_reused", 409, {"checkout_id": first.pk})
    assert (Checkout.objects.count(), Order.objects.count(), OrderLine.objects.count()) == (1, 1, 1)
    assert [Sku.objects.get(pk=s.pk).stock for s in (honey, tea)] == [8, 10]


def test_a_replay_to_a_copy_of_the_same_address_is_the_same_checkout():
    # a page that saves the typed address before submitting saves it again on a double submit
    honey = f.sku(stock=10)
    buyer = f.buyer()
    first = f.checkout(buyer, [(honey, 1)], key="checkout-key-3")
    copy = f.address(buyer)
    again = checkout_submit(buyer=buyer, lines=[(honey.pk, 1)], address_id=copy.pk, idempotency_key="checkout-key-3")
    assert (again.pk, Checkout.objects.count(), Sku.objects.get(pk=honey.pk).stock) == (first.pk, 1, 9)


def test_a_promoter_buying_without_a_link_is_a_self_purchase_and_no_promoter_means_none():
    f.plan()
    promoter = f.invitee(f.root())
    honey = f.sku()
    own = Order.objects.get(checkout=f.checkout(promoter.user, [(honey, 1)]))
    assert (own.promoter_id, own.self_purchase, own.attribution_reason) == (promoter.pk, True, "self_purchase")
    stranger = Order.objects.get(checkout=f.checkout(f.buyer(), [(honey, 1)]))
    assert (stranger.promoter_id, stranger.self_purchase, stranger.plan_version_id, stranger.community_id) == (
        None, False, None, None)


@pytest.mark.parametrize("quantity", [0, -1, True, 10_000])
def test_a_quantity_below_one_or_absurd_is_refused_and_nothing_is_written(quantity):
    honey = f.sku(stock=10)
    with pytest.raises(DomainError) as err:
        f.checkout(f.buyer(), [(honey, quantity)])
    assert err.value.code == "orders.quantity_invalid"
    _nothing_written((honey, 10))


@pytest.mark.parametrize("problem", ["unknown", "off_shelf", "inactive", "merchant_suspended"])
def test_an_unknown_or_unavailable_sku_is_refused_and_nothing_is_written(problem):
    honey = f.sku(stock=10)
    other = f.sku(stock=10)
    target = other.pk
    if problem == "unknown":
        target = 999_999
    elif problem == "off_shelf":
        Product.objects.filter(pk=other.product_id).update(status=Product.Status.OFF_SHELF)
    elif problem == "inactive":
        Sku.objects.filter(pk=other.pk).update(active=False)
    else:
        other.product.merchant.__class__.objects.filter(pk=other.product.merchant_id).update(status="suspended")
    buyer = f.buyer()
    home = f.address(buyer)
    with pytest.raises(DomainError) as err:
        checkout_submit(buyer=buyer, lines=[(honey.pk, 1), (target, 1)], address_id=home.pk, share_code=None,
                        idempotency_key=uuid.uuid4().hex)
    assert (err.value.code, err.value.details) == ("orders.sku_unavailable", {"sku_id": target})
    _nothing_written((honey, 10), (other, 10))


def test_more_than_the_stock_is_refused_and_no_unit_is_reserved():
    honey = f.sku(stock=10)
    tea = f.sku(stock=3)
    with pytest.raises(DomainError) as err:
        f.checkout(f.buyer(), [(honey, 2), (tea, 2), (tea, 2)])
    assert (err.value.code, err.value.details) == (
        "orders.out_of_stock", {"sku_id": tea.pk, "available": 3, "requested": 4})
    _nothing_written((honey, 10), (tea, 3))


def test_another_buyers_address_is_unknown():
    honey = f.sku(stock=10)
    someone = f.buyer()
    with pytest.raises(DomainError) as err:
        checkout_submit(buyer=f.buyer(), lines=[(honey.pk, 1)], address_id=f.address(someone).pk,
                        idempotency_key=uuid.uuid4().hex)
    assert err.value.code == "orders.address_unknown"
    _nothing_written((honey, 10))
