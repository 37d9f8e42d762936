"""Micro-store editing: picking products, own texts, order, hiding, removing, and who may do it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.stores import factories as f
from tuishou.catalog.models import Product
from tuishou.core.errors import DomainError
from tuishou.stores import selectors, services
from tuishou.stores.models import ShareLink, Store, StoreItem

pytestmark = pytest.mark.django_db


def _code(exc_info) -> str:
    return exc_info.value.code


def test_store_is_created_on_first_use_with_a_short_code():
    promoter = f.root("阿花")

    store = services.store_mine(user=promoter.user)

    assert (store.promoter_id, store.title, store.slogan) == (promoter.pk, "阿花的小店", "")
    assert len(store.code) == 7 and all(c in "23456789abcdefghjkmnpqrstuvwxyz" for c in store.code)
    assert services.store_mine(user=promoter.user).pk == store.pk
    assert Store.objects.count() == 1


def test_consumer_has_no_store():
    with pytest.raises(DomainError) as exc:
        services.store_mine(user=f.consumer())

    assert _code(exc) == "network.not_a_promoter"
    assert Store.objects.count() == 0


def test_store_title_and_slogan_are_edited():
    promoter = f.root("阿花")

    store = services.store_update(user=promoter.user, title=" 花花优选 ", slogan="只卖自己吃过的")

    assert (store.title, store.slogan) == ("花花优选", "只卖自己吃过的")


def test_store_title_cannot_be_empty_or_too_long():
    promoter = f.root("阿花")
    services.store_mine(user=promoter.user)

    with pytest.raises(DomainError) as empty:
        services.store_update(user=promoter.user, title="  ")
    with pytest.raises(DomainError) as long:
        services.store_update(user=promoter.user, slogan="好" * 201)

    assert (_code(empty), _code(long)) == ("stores.text_missing", "stores.text_too_long")
    assert list(Store.objects.values_list("title", "slogan")) == [("阿花的小店", "")]


def test_pick_a_product_with_own_texts_and_its_share_link():
    promoter = f.root("阿花")
    honey, tea = f.product(title="蜂蜜"), f.product(title="普洱")

    first = services.store_item_add(user=promoter.user, product_id=honey.pk, title="妈妈都说好的蜂蜜",
                                     recommendation="每天一勺")
    second = services.store_item_add(user=promoter.user, product_id=tea.pk)

    assert (first.position, first.title, first.recommendation, first.hidden) == (
        0, "妈妈都说好的蜂蜜", "每天一勺", False)
    assert (second.position, second.display_title) == (1, "普洱")
    assert set(ShareLink.objects.filter(promoter=promoter).values_list("target", "product_id")) == {
        ("product", honey.pk), ("product", tea.pk)}


@pytest.mark.parametrize("status", [Product.Status.OFF_SHELF, Product.Status.APPROVED, Product.Status.DRAFT,
                                    Product.Status.PENDING_REVIEW])
def test_product_not_on_shelf_is_refused_and_nothing_written(status):
    promoter = f.root("阿花")
    product = f.product()
    Product.objects.filter(pk=product.pk).update(status=status)

    with pytest.raises(DomainError) as exc:
        services.store_item_add(user=promoter.user, product_id=product.pk, title="好东西")

    assert (_code(exc), exc.value.status) == ("stores.product_unavailable", 409)
    assert StoreItem.objects.count() == 0
    assert ShareLink.objects.count() == 0


def test_unknown_product_is_refused():
    promoter = f.root("阿花")

    with pytest.raises(DomainError) as exc:
        services.store_item_add(user=promoter.user, product_id=999999)

    assert _code(exc) == "stores.product_unavailable"
    assert StoreItem.objects.count() == 0


def test_same_product_twice_is_refused():
    promoter = f.root("阿花")
    honey = f.product()
    services.store_item_add(user=promoter.user, product_id=honey.pk)

    with pytest.raises(DomainError) as exc:
        services.store_item_add(user=promoter.user, product_id=honey.pk)

    assert _code(exc) == "stores.item_exists"
    assert StoreItem.objects.count() == 1


def test_item_text_edit_and_hide_unhide():
    promoter = f.root("阿花")
    item = services.store_item_add(user=promoter.user, product_id=f.product().pk)

    services.store_item_update(user=promoter.user, item_id=item.pk, title="新标题", recommendation="新推荐")
    services.store_item_hidden_set(user=promoter.user, item_id=item.pk, hidden=True)
    hidden = StoreItem.objects.get(pk=item.pk)
    store = Store.objects.get()

    assert (hidden.title, hidden.recommendation, hidden.hidden) == ("新标题", "新推荐", True)
    assert selectors.store_public_items(store) == []
    services.store_item_hidden_set(user=promoter.user, item_id=item.pk, hidden=False)
    assert [i.title for i in selectors.store_public_items(store)] == ["新标题"]


def test_only_the_stores_promoter_can_change_it():
    owner, other = f.root("阿花"), f.root("阿明")
    item = services.store_item_add(user=owner.user, product_id=f.product().pk, title="原标题")
    consumer = f.consumer()

    for person in (other.user, consumer):
        with pytest.raises(DomainError) as exc:
            services.store_item_update(user=person, item_id=item.pk, title="被改了")
        assert (_code(exc), exc.value.status) == ("stores.store_unknown", 404)
        with pytest.raises(DomainError) as exc:
            services.store_item_remove(user=person, item_id=item.pk)
        assert _code(exc) == "stores.store_unknown"

    assert list(StoreItem.objects.values_list("title", flat=True)) == ["原标题"]


def test_unknown_item_is_404():
    promoter = f.root("阿花")

    with pytest.raises(DomainError) as exc:
        services.store_item_update(user=promoter.user, item_id=424242, title="x")

    assert (_code(exc), exc.value.status) == ("stores.item_unknown", 404)


def test_reorder_with_the_full_list():
    promoter = f.root("阿花")
    items = [services.store_item_add(user=promoter.user, product_id=f.product(title=t).pk) for t in "ABC"]
    services.store_item_hidden_set(user=promoter.user, item_id=items[1].pk, hidden=True)

    services.store_items_reorder(user=promoter.user, item_ids=[items[2].pk, items[1].pk, items[0].pk])

    assert list(StoreItem.objects.order_by("position").values_list("product__title", "position")) == [
        ("C", 0), ("B", 1), ("A", 2)]
    assert [i.title for i in selectors.store_public_items(Store.objects.get())] == ["C", "A"]


def test_reorder_mismatch_changes_nothing():
    owner, other = f.root("阿花"), f.root("阿明")
    a, b = (services.store_item_add(user=owner.user, product_id=f.product().pk) for _ in range(2))
    foreign = services.store_item_add(user=other.user, product_id=f.product().pk)

    for ids in ([a.pk], [a.pk, a.pk], [a.pk, b.pk, foreign.pk], [b.pk, foreign.pk], []):
        with pytest.raises(DomainError) as exc:
            services.store_items_reorder(user=owner.user, item_ids=ids)
        assert _code(exc) == "stores.reorder_mismatch", ids

    assert list(StoreItem.objects.filter(store__promoter=owner).order_by("id").values_list("position", flat=True)) \
        == [0, 1]


def test_remove_an_item_keeps_its_share_link():
    promoter = f.root("阿花")
    honey = f.product()
    item = services.store_item_add(user=promoter.user, product_id=honey.pk)

    services.store_item_remove(user=promoter.user, item_id=item.pk)

    assert StoreItem.objects.count() == 0
    assert ShareLink.objects.filter(product=honey).count() == 1


def test_public_items_leave_out_products_no_longer_for_sale():
    promoter = f.root("阿花")
    honey, tea = f.product(title="蜂蜜", price="59.90"), f.product(title="普洱", price="128.00")
    for product in (honey, tea):
        services.store_item_add(user=promoter.user, product_id=product.pk)
    Product.objects.filter(pk=tea.pk).update(status=Product.Status.OFF_SHELF)

    items = selectors.store_public_items(Store.objects.get())

    assert [(i.title, i.price) for i in items] == [("蜂蜜", Decimal("59.90"))]
