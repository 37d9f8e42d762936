import pytest

from tests.catalog import factories
from tests.merchants import factories as merchant_factories
from tuishou.catalog.models import Product, ProductStatusChange
from tuishou.catalog.transitions import TRANSITIONS, next_status, product_transition
from tuishou.core.errors import Conflict, InvalidInput

S = Product.Status
EXPECTED = {
    (S.DRAFT, "submit"): S.PENDING_REVIEW,
    (S.REJECTED, "submit"): S.PENDING_REVIEW,
    (S.PENDING_REVIEW, "withdraw"): S.DRAFT,
    (S.PENDING_REVIEW, "approve"): S.APPROVED,
    (S.PENDING_REVIEW, "reject"): S.REJECTED,
    (S.APPROVED, "shelve"): S.ON_SHELF,
    (S.OFF_SHELF, "shelve"): S.ON_SHELF,
    (S.ON_SHELF, "unshelve"): S.OFF_SHELF,
    (S.APPROVED, "revise"): S.DRAFT,
    (S.OFF_SHELF, "revise"): S.DRAFT,
}


@pytest.mark.parametrize("status", list(S.values))
@pytest.mark.parametrize("event", list(TRANSITIONS))
def test_the_table_allows_exactly_the_declared_moves(status, event):
    if (status, event) in EXPECTED:
        assert next_status(status, event) == EXPECTED[(status, event)]
    else:
        with pytest.raises(Conflict) as err:
            next_status(status, event)
        assert (err.value.code, err.value.details) == ("catalog.transition_invalid", {
            "status": status, "to": TRANSITIONS[event][1], "event": event})


def test_an_unknown_event_is_bad_input():
    with pytest.raises(InvalidInput) as err:
        next_status(S.DRAFT, "publish")
    assert err.value.code == "catalog.event_unknown"


@pytest.mark.django_db
def test_each_move_writes_one_history_row_and_an_illegal_move_writes_none():
    ops = merchant_factories.operator()
    item = factories.product(merchant=merchant_factories.merchant())
    product_transition(product=item, event="submit", actor=ops)
    product_transition(product=item, event="reject", actor=ops, reason="图片不清晰")
    assert (item.status, item.reject_reason, item.reviewed_by) == ("rejected", "图片不清晰", ops)
    with pytest.raises(Conflict):
        product_transition(product=item, event="shelve", actor=ops)
    assert list(ProductStatusChange.objects.values_list("event", "from_status", "to_status", "reason")) == [
        ("submit", "draft", "pending_review", ""), ("reject", "pending_review", "rejected", "图片不清晰")]
    assert Product.objects.get().status == "rejected"
