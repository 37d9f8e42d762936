"""Share links: reuse per target, the /s/ redirect with its cookie, click tracking, link figures."""

from __future__ import annotations

import pytest

from tests.orders import factories as of
from tests.stores import factories as f
from tuishou.catalog.models import Product
from tuishou.core.errors import DomainError
from tuishou.core.visitors import VISITOR_COOKIE
from tuishou.stores import selectors, services
from tuishou.stores.models import AttributionVisit, ConsumerBinding, ShareClick, ShareLink, Store

pytestmark = pytest.mark.django_db


def test_one_link_per_promoter_and_target_is_reused():
    promoter = f.root("阿花")
    honey, tea = f.product(), f.product()

    store_link, created = services.share_link_create(user=promoter.user, target="store")
    again, created_again = services.share_link_create(user=promoter.user, target="store")
    honey_link, _ = services.share_link_create(user=promoter.user, target="product", product_id=honey.pk)
    honey_again, honey_created_again = services.share_link_create(user=promoter.user, target="product",
                                                                  product_id=honey.pk)
    tea_link, _ = services.share_link_create(user=promoter.user, target="product", product_id=tea.pk)

    assert (created, created_again, honey_created_again) == (True, False, False)
    assert again.pk == store_link.pk and honey_again.pk == honey_link.pk
    assert len({store_link.code, honey_link.code, tea_link.code}) == 3
    assert ShareLink.objects.count() == 3
    assert Store.objects.count() == 1  # a store link makes the store
    # another promoter gets their own link to the same product
    other_link, _ = services.share_link_create(user=f.root("阿明").user, target="product", product_id=honey.pk)
    assert other_link.code != honey_link.code


def test_bad_link_requests_write_nothing():
    promoter = f.root("阿花")
    off = f.product()
    Product.objects.filter(pk=off.pk).update(status=Product.Status.OFF_SHELF)

    codes = []
    for kwargs in ({"target": "banner"}, {"target": "product"}, {"target": "product", "product_id": off.pk}):
        with pytest.raises(DomainError) as exc:
            services.share_link_create(user=promoter.user, **kwargs)
        codes.append(exc.value.code)

    assert codes == ["stores.link_target_unknown", "stores.product_missing", "stores.product_unavailable"]
    assert ShareLink.objects.count() == 0


def test_share_url_records_the_click_sets_the_cookie_and_redirects(client):
    # given a promoter's product link
    promoter = f.root("阿花")
    honey = f.product()
    link = services.share_link_get_or_create(promoter=promoter, target="product", product_id=honey.pk)

    # when a visitor opens /s/<code> twice with the same browser, and another browser once
    first = client.get(f"/s/{link.code}", HTTP_USER_AGENT="Mozilla/5.0 MicroMessenger/8.0")
    second = client.get(f"/s/{link.code}", HTTP_USER_AGENT="Mozilla/5.0 MicroMessenger/8.0")
    client.cookies.clear()
    client.get(f"/s/{link.code}", HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Safari/604.1")

    # then both redirect to the product page; the same cookie within a day is one click and one visitor
    assert (first.status_code, first["Location"]) == (302, f"/p/{link.code}")
    assert second.status_code == 302
    assert VISITOR_COOKIE in first.cookies
    assert selectors.link_stats(link) == selectors.LinkStats(
        clicks=2, unique_visitors=2, orders=0, orders_with_code=0, orders_through_binding=0)
    assert ShareClick.objects.filter(user_agent_hash="").count() == 0
    assert AttributionVisit.objects.filter(link=link, user__isnull=True).count() == 3


def test_store_link_redirects_to_the_store_page(client):
    promoter = f.root("阿花")
    link = services.share_link_get_or_create(promoter=promoter, target="store")

    response = client.get(f"/s/{link.code}")

    assert response["Location"] == f"/m/{Store.objects.get(promoter=promoter).code}"


def test_signed_in_click_binds_at_once(client):
    promoter = f.root("阿花")
    link = services.share_link_get_or_create(promoter=promoter, target="store")
    buyer = f.consumer()
    client.force_login(buyer)

    client.get(f"/s/{link.code}")

    assert list(ConsumerBinding.objects.values_list("consumer_id", "promoter_id")) == [(buyer.pk, promoter.pk)]
    assert ShareClick.objects.get().user_id == buyer.pk


def test_tampered_cookie_gets_a_new_visitor_key(client):
    promoter = f.root("阿花")
    link = services.share_link_get_or_create(promoter=promoter, target="store")
    client.cookies[VISITOR_COOKIE] = "somebody-elses-key"

    client.get(f"/s/{link.code}")

    assert ShareClick.objects.get().visitor_key != "somebody-elses-key"


def test_unknown_share_code_is_a_404_page_and_counts_nothing(client):
    response = client.get("/s/abcdefg")

    assert response.status_code == 404
    assert "找不到这个分享链接" in response.content.decode()
    assert ShareClick.objects.count() == 0


def test_link_stats_count_orders_placed_with_the_code_and_orders_the_links_binding_led_to(client):
    # given a product link, a visitor who opens it before signing in, and a link of another promoter
    promoter, other = f.root("阿花"), f.root("阿明")
    honey = of.sku(title="云南高山蜂蜜")
    link = services.share_link_get_or_create(promoter=promoter, target="product", product_id=honey.product_id)
    elsewhere = services.share_link_get_or_create(promoter=other, target="store")
    client.get(f"/s/{link.code}")
    buyer = f.consumer()

    # when the buyer orders once with the link's code (which binds them to its promoter), then twice without
    # a code (the binding credits the link's promoter), and somebody else orders through another link
    with_code = of.checkout(buyer, [(honey, 1)], share_code=link.code)
    later = of.checkout(buyer, [(honey, 2)])
    again = of.checkout(buyer, [(honey, 1)])
    of.checkout(f.consumer(display_name="路人"), [(honey, 1)], share_code=elsewhere.code)

    # then the link counts one order placed with its code and two it led to through its binding
    assert [(o.share_link_id, o.binding_link_id, o.promoter_id, o.attribution_reason)
            for c in (with_code, later, again) for o in c.orders.all()] == [
        (link.pk, link.pk, promoter.pk, "binding"), (None, link.pk, promoter.pk, "binding"),
        (None, link.pk, promoter.pk, "binding")]
    assert selectors.link_stats(link) == selectors.LinkStats(
        clicks=1, unique_visitors=1, orders=3, orders_with_code=1, orders_through_binding=2)
    assert selectors.link_stats(elsewhere) == selectors.LinkStats(
        clicks=0, unique_visitors=0, orders=1, orders_with_code=1, orders_through_binding=0)

    # and the promoter's API says which is which
    client.force_login(promoter.user)
    assert client.get(f"/api/v1/stores/me/links/{link.code}/stats").json() == {
        "code": link.code, "clicks": 1, "unique_visitors": 1, "orders": 3, "orders_with_code": 1,
        "orders_through_binding": 2}


def test_a_link_nobody_ordered_through_counts_no_order():
    promoter = f.root("阿花")
    link = services.share_link_get_or_create(promoter=promoter, target="store")

    assert selectors.link_stats(link) == selectors.LinkStats(
        clicks=0, unique_visitors=0, orders=0, orders_with_code=0, orders_through_binding=0)
