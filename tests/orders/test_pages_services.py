"""The services and selectors the buyer's pages added: cart quantities checked against stock, the address book's
edit / default / delete, the cart and buy-now baskets with their totals, the cart checkout, the after-sales
request with its photos in one write, my orders' tabs and the order detail selector."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.orders import factories as f
from tuishou.catalog.images import placeholder_image
from tuishou.catalog.models import Product
from tuishou.core.errors import Conflict, InvalidInput, NotFound
from tuishou.orders import selectors, services
from tuishou.orders.aftersales_request import aftersales_request
from tuishou.orders.cart import buy_now_basket, cart_basket
from tuishou.orders.checkout import checkout_submit_from_cart
from tuishou.orders.models import Address, AfterSalesCase, AfterSalesPhoto, CartLine, Checkout

pytestmark = pytest.mark.django_db


# ---- cart quantities -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("quantity", "code"), [(999999, "orders.quantity_invalid"), (6, "orders.out_of_stock"),
                                                (0, "orders.quantity_invalid")])
def test_cart_add_refuses_a_quantity_it_cannot_sell_and_writes_nothing(quantity, code):
    buyer, honey = f.buyer(), f.sku(stock=5)

    with pytest.raises((InvalidInput, Conflict)) as refused:
        services.cart_add(user=buyer, sku_id=honey.pk, quantity=quantity)

    assert (refused.value.code, refused.value.details["field"]) == (code, "quantity")
    assert CartLine.objects.count() == 0


def test_cart_add_counts_what_the_cart_already_holds_against_the_stock():
    buyer, honey = f.buyer(), f.sku(stock=5)
    services.cart_add(user=buyer, sku_id=honey.pk, quantity=4)

    with pytest.raises(Conflict) as refused:
        services.cart_add(user=buyer, sku_id=honey.pk, quantity=2)

    assert refused.value.message == "Only 5 of 云南高山蜂蜜 left."
    assert CartLine.objects.get().quantity == 4


def test_setting_a_line_above_the_stock_leaves_it_as_it_was():
    buyer, honey = f.buyer(), f.sku(stock=5)
    line = services.cart_add(user=buyer, sku_id=honey.pk, quantity=1)

    with pytest.raises(Conflict):
        services.cart_line_set_quantity(user=buyer, line_id=line.pk, quantity=999)
    services.cart_line_set_quantity(user=buyer, line_id=line.pk, quantity=5)

    assert CartLine.objects.get().quantity == 5


# ---- addresses -----------------------------------------------------------------------------------------------

def test_an_address_is_edited_with_the_same_rules_as_when_it_was_added():
    buyer = f.buyer()
    address = f.address(buyer)
    values = {"name": "李四", "phone": "+86 139-1234-5678", "province": "江苏省", "city": "南京市",
              "district": "鼓楼区", "detail": "中山路 1 号"}

    with pytest.raises(InvalidInput) as refused:
        services.address_update(user=buyer, address_id=address.pk, **{**values, "phone": "12"})
    services.address_update(user=buyer, address_id=address.pk, **values)

    assert refused.value.details == {"field": "phone"}
    assert Address.objects.values_list("name", "phone", "detail").get() == ("李四", "13912345678", "中山路 1 号")


def test_one_address_is_the_default_and_deleting_it_makes_the_newest_the_default():
    buyer = f.buyer()
    first, second, third = (f.address(buyer, detail=f"文三路 {n} 号") for n in (100, 200, 300))

    services.address_set_default(user=buyer, address_id=second.pk)
    defaults = list(Address.objects.filter(is_default=True).values_list("pk", flat=True))
    services.address_delete(user=buyer, address_id=second.pk)

    assert defaults == [second.pk]
    assert list(Address.objects.order_by("pk").values_list("pk", "is_default")) == [(first.pk, False),
                                                                                   (third.pk, True)]


def test_someone_elses_address_cannot_be_edited_made_default_or_deleted():
    address = f.address(f.buyer("别人"))
    buyer = f.buyer()

    for call in (lambda: services.address_set_default(user=buyer, address_id=address.pk),
                 lambda: services.address_delete(user=buyer, address_id=address.pk),
                 lambda: services.address_update(user=buyer, address_id=address.pk, name="x", phone="13812345678",
                                                 province="x", city="x", district="x", detail="x")):
        with pytest.raises(NotFound):
            call()
    assert Address.objects.values_list("name", "is_default").get() == ("王小明", True)


# ---- baskets -------------------------------------------------------------------------------------------------

def test_the_cart_basket_groups_by_merchant_and_leaves_lines_that_cannot_be_bought_out_of_the_totals():
    buyer = f.buyer()
    shop = f.shop()
    honey, tea = f.sku(merchant=shop, price="59.90"), f.sku(merchant=shop, price="128.00", stock=3)
    gone = f.sku(price="10.00")
    for sku, quantity in ((honey, 2), (tea, 3), (gone, 1)):
        services.cart_add(user=buyer, sku_id=sku.pk, quantity=quantity)
    Product.objects.filter(pk=gone.product_id).update(status=Product.Status.OFF_SHELF)
    tea.stock = 2
    tea.save(update_fields=["stock"])

    basket = cart_basket(user=buyer)

    assert [[(r.sku.pk, r.quantity, r.amount, r.problem) for r in g.rows] for g in basket.groups] == [
        [(honey.pk, 2, Decimal("119.80"), ""), (tea.pk, 3, Decimal("384.00"), "short")],
        [(gone.pk, 1, Decimal("10.00"), "unavailable")]]
    assert (basket.total, basket.count, basket.can_checkout) == (Decimal("119.80"), 2, False)


@pytest.mark.parametrize(("quantity", "code"), [(999999, "orders.quantity_invalid"), (6, "orders.out_of_stock")])
def test_buy_now_refuses_before_pricing(quantity, code):
    honey = f.sku(stock=5)

    with pytest.raises((InvalidInput, Conflict)) as refused:
        buy_now_basket(sku_id=honey.pk, quantity=quantity)

    assert refused.value.code == code


def test_buy_now_prices_one_sku():
    honey = f.sku(price="59.90", stock=5)

    basket = buy_now_basket(sku_id=honey.pk, quantity=2, share_code="ABC")

    assert (basket.total, basket.rows[0].share_code, basket.can_checkout) == (Decimal("119.80"), "ABC", True)


# ---- cart checkout -------------------------------------------------------------------------------------------

def test_checking_out_the_cart_empties_it_and_a_replay_leaves_the_new_cart_alone():
    buyer = f.buyer()
    address = f.address(buyer)
    honey = f.sku(price="59.90")
    services.cart_add(user=buyer, sku_id=honey.pk, quantity=2, share_code="")

    first = checkout_submit_from_cart(buyer=buyer, address_id=address.pk, idempotency_key="cart-0000001")
    services.cart_add(user=buyer, sku_id=honey.pk, quantity=1)
    again = checkout_submit_from_cart(buyer=buyer, address_id=address.pk, idempotency_key="cart-0000001")

    assert (again.pk, first.amount, Checkout.objects.count()) == (first.pk, Decimal("119.80"), 1)
    assert list(CartLine.objects.values_list("quantity", flat=True)) == [1]


def test_a_cart_checkout_that_fails_keeps_the_cart():
    buyer = f.buyer()
    honey = f.sku(stock=5)
    services.cart_add(user=buyer, sku_id=honey.pk, quantity=2)

    with pytest.raises(NotFound):
        checkout_submit_from_cart(buyer=buyer, address_id=999, idempotency_key="cart-0000002")

    assert (CartLine.objects.count(), Checkout.objects.count()) == (1, 0)


# ---- after-sales request with photos -------------------------------------------------------------------------

def _photo(content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile("p.png", content or placeholder_image("凭证", seed=1).read(), content_type="image/png")


def test_an_after_sales_request_is_written_with_its_photos(after_commit):
    order = f.paid_order(after_commit, quantity=2)
    line = order.lines.get()

    case = aftersales_request(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="坏了",
                              lines=[(line.pk, 1)], photos=[_photo(), _photo()])

    assert (case.amount, case.photos.count()) == (Decimal("59.90"), 2)


@pytest.mark.parametrize(("photos", "code"), [([_photo(b"no picture")], "orders.photo_invalid"),
                                              ([_photo() for _ in range(10)], "orders.too_many_photos")])
def test_a_refused_photo_leaves_no_case(after_commit, photos, code):
    order = f.paid_order(after_commit, quantity=2)

    with pytest.raises(InvalidInput) as refused:
        aftersales_request(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="坏了",
                           lines=[(order.lines.get().pk, 1)], photos=photos)

    assert refused.value.code == code
    assert (AfterSalesCase.objects.count(), AfterSalesPhoto.objects.count()) == (0, 0)


# ---- my orders -----------------------------------------------------------------------------------------------

def test_my_orders_tabs_and_the_order_detail_are_the_buyers_own(after_commit):
    buyer = f.buyer()
    paid = f.paid_order(after_commit, person=buyer)
    unpaid = f.checkout(buyer, [(f.sku(), 1)]).orders.get()
    other = f.paid_order(after_commit)

    tabs = {tab: [o.pk for o in selectors.orders_for_buyer_tab(buyer=buyer, tab=tab)]
            for tab in ("all", "unpaid", "to_ship", "done")}
    detail = selectors.order_detail_for_buyer(buyer=buyer, number=paid.number)

    assert tabs == {"all": [unpaid.pk, paid.pk], "unpaid": [unpaid.pk], "to_ship": [paid.pk], "done": []}
    assert [c.to_status for c in detail.status_changes.all()] == ["paid"]
    with pytest.raises(NotFound):
        selectors.order_detail_for_buyer(buyer=buyer, number=other.number)
    with pytest.raises(InvalidInput):
        selectors.orders_for_buyer_tab(buyer=buyer, tab="nope")


# ---- placing an order from the checkout page -----------------------------------------------------------------

def test_a_refused_checkout_to_a_new_address_saves_no_address_and_a_used_key_answers_its_checkout():
    from tuishou.orders.buying import checkout_place

    buyer = f.buyer()
    honey = f.sku(price="59.90", stock=5)
    new = {"name": "王小明", "phone": "13812345678", "province": "浙江省", "city": "杭州市", "district": "西湖区",
           "detail": "文三路 100 号"}

    with pytest.raises(Conflict):
        checkout_place(buyer=buyer, idempotency_key="place-000001", new_address=new, sku_id=honey.pk, quantity=6)
    assert Address.objects.count() == 0
    placed = checkout_place(buyer=buyer, idempotency_key="place-000001", new_address=new, sku_id=honey.pk,
                            quantity=2)
    again = checkout_place(buyer=buyer, idempotency_key="place-000001", new_address=new, sku_id=honey.pk,
                           quantity=2)

    assert (again.pk, placed.amount, Address.objects.count()) == (placed.pk, Decimal("119.80"), 1)
