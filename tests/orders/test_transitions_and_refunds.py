from decimal import Decimal

import pytest

from tests.orders import factories as f
from tuishou.core.errors import DomainError
from tuishou.orders.models import Order, OrderStatusChange
from tuishou.orders.refunds import amount_allocate, line_base_left, quantity_refund_amount
from tuishou.orders.transitions import TRANSITIONS, order_transition, transition_check

S = Order.Status
ALL = list(S.values)
ALLOWED = {
    ("created", "paid"), ("created", "cancelled"), ("paid", "shipped"), ("paid", "refunding"),
    ("shipped", "received"), ("shipped", "refunding"), ("received", "completed"), ("received", "refunding"),
    ("refunding", "refunded"), ("refunding", "paid"), ("refunding", "shipped"), ("refunding", "received"),
}


def test_the_declared_table_is_exactly_the_pipeline():
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == ALLOWED


@pytest.mark.parametrize(("current", "target"), [(a, b) for a in ALL for b in ALL if (a, b) not in ALLOWED])
def test_every_other_move_is_invalid(current, target):
    with pytest.raises(DomainError) as err:
        transition_check(current=current, target=target)
    assert err.value.code == "orders.transition_invalid"


@pytest.mark.parametrize("resume", ["paid", "shipped", "received"])
def test_out_of_refunding_an_order_goes_back_only_where_it_came_from(resume):
    transition_check(current="refunding", target=resume, resume_status=resume)
    for other in {"paid", "shipped", "received"} - {resume}:
        with pytest.raises(DomainError):
            transition_check(current="refunding", target=other, resume_status=resume)


@pytest.mark.django_db
def test_a_move_writes_history_and_an_illegal_one_writes_nothing():
    order = f.checkout(f.buyer(), [(f.sku(), 1)]).orders.get()
    with pytest.raises(DomainError):
        order_transition(order=order, to=S.SHIPPED)
    assert (Order.objects.get().status, OrderStatusChange.objects.count()) == ("created", 0)
    order_transition(order=order, to=S.PAID, reason="test")
    assert list(OrderStatusChange.objects.values_list("from_status", "to_status", "reason")) == [
        ("created", "paid", "test")]
    stale = Order.objects.get()
    order_transition(order=order, to=S.REFUNDING)
    assert Order.objects.get().resume_status == "paid"
    with pytest.raises(DomainError):  # a concurrent move based on a stale read loses
        order_transition(order=stale, to=S.SHIPPED)


def test_quantity_refunds_take_the_unit_share_and_the_last_unit_takes_what_is_left():
    kw = {"paid_amount": Decimal("100.00"), "quantity": 3}
    assert quantity_refund_amount(**kw, refunded_amount=Decimal("0"), refunded_quantity=0, refund_quantity=1) == \
        Decimal("33.33")
    assert quantity_refund_amount(**kw, refunded_amount=Decimal("66.66"), refunded_quantity=2,
                                  refund_quantity=1) == Decimal("33.34")
    assert quantity_refund_amount(**kw, refunded_amount=Decimal("90.00"), refunded_quantity=0,
                                  refund_quantity=1) == Decimal("10.00")


def test_an_amount_is_split_in_proportion_and_adds_up_exactly():
    assert amount_allocate(Decimal("10.00"), [Decimal("30.00"), Decimal("70.00")]) == [Decimal("3.00"),
                                                                                       Decimal("7.00")]
    assert amount_allocate(Decimal("0.01"), [Decimal("1.00"), Decimal("1.00")]) == [Decimal("0.01"), Decimal("0")]
    shares = amount_allocate(Decimal("9.99"), [Decimal("3.33")] * 3 + [Decimal("0.02")])
    assert (sum(shares), all(s <= c for s, c in zip(shares, [Decimal("3.33")] * 3 + [Decimal("0.02")],
                                                              strict=True))) == (Decimal("9.99"), True)
    with pytest.raises(ValueError):
        amount_allocate(Decimal("5.00"), [Decimal("4.99")])


def test_the_base_left_applies_the_setting_to_what_is_kept():
    assert line_base_left(mode="percent", rate=Decimal("0.2"), fixed=None, paid_left=Decimal("119.80"),
                          quantity_left=2) == Decimal("23.96")
    assert line_base_left(mode="fixed", rate=None, fixed=Decimal("4.00"), paid_left=Decimal("5.00"),
                          quantity_left=2) == Decimal("5.00")
    assert line_base_left(mode="fixed", rate=None, fixed=Decimal("4.00"), paid_left=Decimal("0"),
                          quantity_left=0) == Decimal("0.00")
