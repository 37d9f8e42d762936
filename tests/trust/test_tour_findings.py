"""What the attacker's tour of a fresh install (PostgreSQL, DEBUG=0, the demo data) still found, each fixed:
text a person writes for others to read (a store's title and slogan, an item's recommendation, a delivery
address, customer service's after-sales decision, a merchant's application) took bidirectional overrides and
control characters ("a\u202eb" reads "ab" reversed on the buyer's screen). Each is refused with
``request.text_unsafe`` and writes nothing; line breaks stay allowed where a text runs over lines."""

from __future__ import annotations

import pytest

from tests.orders import factories as f
from tuishou.accounts.services import api_token_issue
from tuishou.core.errors import InvalidInput
from tuishou.merchants.services import clean_text
from tuishou.orders.errors import OrderError
from tuishou.orders.models import Address
from tuishou.stores.models import Store, StoreItem
from tuishou.stores.services import store_item_add, store_mine

pytestmark = pytest.mark.django_db

OVERRIDE, ISOLATE, BELL = "\u202e", "\u2067", "\x07"


def _bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user).token}"}


@pytest.mark.parametrize("field", ["title", "slogan"])
@pytest.mark.parametrize("char", [OVERRIDE, ISOLATE, BELL, "\n"])
def test_a_store_title_or_slogan_with_an_override_or_a_control_character_is_refused(client, field, char):
    promoter = f.invitee(f.root(), "小李")
    before = store_mine(user=promoter.user)
    answer = client.patch("/api/v1/stores/me", {field: f"好物{char}分享"}, content_type="application/json",
                          **_bearer(promoter.user))
    assert answer.status_code == 400
    assert answer.json()["code"] == "request.text_unsafe" and answer.json()["details"] == {"field": field}
    after = Store.objects.get(pk=before.pk)
    assert (after.title, after.slogan) == (before.title, before.slogan)


def test_an_items_recommendation_may_run_over_lines_but_takes_no_override():
    promoter = f.invitee(f.root(), "小李")
    product_id = f.sku().product_id
    with pytest.raises(InvalidInput) as caught:
        store_item_add(user=promoter.user, product_id=product_id, recommendation=f"好用{OVERRIDE}回购")
    assert caught.value.code == "request.text_unsafe" and StoreItem.objects.count() == 0
    item = store_item_add(user=promoter.user, product_id=product_id, recommendation="好用\n回购三次")
    assert item.recommendation == "好用\n回购三次"


def test_a_delivery_address_with_an_override_is_refused_and_nothing_is_saved(client):
    buyer = f.user("刘洋")
    answer = client.post("/api/v1/orders/addresses", {
        "name": "王小明", "phone": "13812345678", "province": "浙江省", "city": "杭州市", "district": "西湖区",
        "detail": f"文三路{OVERRIDE}100 号"}, content_type="application/json", **_bearer(buyer))
    assert answer.status_code == 400
    assert answer.json() == {"code": "request.text_unsafe", "message": answer.json()["message"],
                             "details": {"field": "detail"}}
    assert Address.objects.count() == 0


def test_the_shared_text_check_keeps_its_codes_order_and_allows_line_breaks():
    """Required and too long keep the app's own codes; an override is the core's; a line break passes (an
    after-sales decision or an application's note runs over lines)."""
    check = dict(field="decision", max_length=10, errors=OrderError)
    with pytest.raises(InvalidInput) as caught:
        clean_text(" ", **check)
    assert caught.value.code == "orders.field_required"
    with pytest.raises(InvalidInput) as caught:
        clean_text("退" * 11, **check)
    assert caught.value.code == "orders.field_too_long"
    with pytest.raises(InvalidInput) as caught:
        clean_text(f"同意{OVERRIDE}退款", **check)
    assert caught.value.code == "request.text_unsafe"
    assert clean_text(" 同意退款\n已核实 ", **check) == "同意退款\n已核实"
