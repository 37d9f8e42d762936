"""A promoter sees their customers masked (issue 12, item 3): name's first character, phone 138****5678, the city
only, in the API's promoter orders (paid or not) and in the promoter centre's customers page."""

import pytest

from tests.orders import factories as f
from tuishou.accounts.services import api_token_issue
from tuishou.core.masking import address_masked, name_masked, phone_masked

pytestmark = pytest.mark.django_db


def test_the_masks():
    assert [name_masked("刘洋"), name_masked("欧阳娜娜"), name_masked("王"), name_masked("")] == [
        "刘*", "欧***", "王*", ""]
    assert [phone_masked("13800000004"), phone_masked("+8613800000004"), phone_masked("12345")] == [
        "138****0004", "+86*******0004", "*****"]
    assert address_masked(province="浙江省", city="杭州市") == "浙江省杭州市"


def _world(after_commit):
    f.plan()
    promoter = f.invitee(f.root(), "小李")
    honey = f.sku(price="59.90", stock=20)
    link = f.share_link(promoter, honey.product_id)
    paid = f.paid_order(after_commit, person=f.buyer("小王"), item=honey, quantity=1, share_code=link.code)
    unpaid = f.checkout(f.buyer("小张"), [(honey, 1)], share_code=link.code).orders.get()
    return promoter, paid, unpaid


def test_promoter_orders_in_the_api_are_masked_whatever_their_status(client, after_commit):
    promoter, paid, unpaid = _world(after_commit)
    token = api_token_issue(user=promoter.user).token
    answer = client.get("/api/v1/orders/promoter/orders", HTTP_AUTHORIZATION=f"Bearer {token}")
    rows = {row["id"]: row for row in answer.json()}
    assert set(rows) == {paid.pk, unpaid.pk}
    shown = {(row["recipient_name"], row["recipient_phone"], row["address"]) for row in rows.values()}
    assert shown == {("王**", "138****5678", "浙江省杭州市")}
    assert "13812345678" not in answer.content.decode() and "文三路" not in answer.content.decode()


def test_the_buyer_still_sees_their_own_order_whole(client, after_commit):
    _, paid, _ = _world(after_commit)
    token = api_token_issue(user=paid.buyer).token
    row = client.get(f"/api/v1/orders/mine/{paid.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert (row["recipient_name"], row["recipient_phone"]) == ("王小明", "13812345678")
    assert row["address"] == "浙江省杭州市西湖区文三路 100 号 2 幢 301"


def test_the_centre_customers_page_masks_names_and_phones(client, after_commit):
    promoter, paid, _ = _world(after_commit)
    client.force_login(promoter.user)
    html = client.get("/centre/customers/").content.decode()
    assert "小*" in html and "小王" not in html
    assert f"{paid.buyer.phone[:3]}****{paid.buyer.phone[-4:]}" in html and paid.buyer.phone not in html
