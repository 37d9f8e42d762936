"""The merchant accepts part of a refund-only request (部分退款): the case refunds that amount by amount over
its lines (nothing restocked), the books reconcile; a bad amount, a return, or a closed case writes nothing."""

from __future__ import annotations

import pytest

from tests.orders import factories as f
from tuishou.catalog.models import Sku
from tuishou.core.errors import DomainError
from tuishou.ledger.reconcile import reconcile_run
from tuishou.orders import aftersales as svc
from tuishou.orders.fulfilment import order_confirm_receipt, order_ship
from tuishou.orders.models import AfterSalesCase, AfterSalesLine, Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(after_commit):
    """A received order of 2 × ¥59.90; the buyer asks to refund both units (¥119.80)."""
    order = f.paid_order(after_commit, quantity=2)
    order_ship(actor=f.owner(order.merchant), order_id=order.pk, carrier="顺丰速运", tracking_number="SF123456")
    order_confirm_receipt(actor=order.buyer, order_id=order.pk)
    line = order.lines.get()
    return svc.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="味道不对",
                               lines=[(line.pk, 2)])


def test_a_partial_refund_refunds_that_amount_and_the_books_reconcile(asked, after_commit):
    staff = f.owner(asked.order.merchant)
    stock = Sku.objects.get(pk=asked.lines.get().order_line.sku_id).stock
    with after_commit():
        svc.aftersales_answer(actor=staff, case_id=asked.pk, accept=True, answer="口感差异，补偿 30 元",
                              refund_amount="30.00")
    case = f.refreshed(asked)
    assert (case.status, case.amount, case.by_amount, case.restock, case.merchant_answer) == (
        "refunded", f.money("30.00"), True, False, "口感差异，补偿 30 元")
    assert list(AfterSalesLine.objects.filter(case=case).values_list("quantity", "amount")) == [(0, f.money("30.00"))]
    order = Order.objects.get(pk=case.order_id)
    line = order.lines.get()
    assert (order.status, order.refunded_amount, line.refunded_quantity, line.refunded_amount) == (
        "received", f.money("30.00"), 0, f.money("30.00"))
    assert Sku.objects.get(pk=line.sku_id).stock == stock
    report = reconcile_run()
    assert report.ok, "\n".join(report.lines())


@pytest.mark.parametrize(("amount", "answer", "code"), [
    ("0.00", "补偿", "orders.partial_refund_invalid"),
    ("119.80", "补偿", "orders.partial_refund_invalid"),
    ("200", "补偿", "orders.partial_refund_invalid"),
    ("1.234", "补偿", "money.too_precise"),
    ("三十", "补偿", "money.malformed"),
    ("30.00", "", "orders.field_required"),
])
def test_a_bad_partial_refund_is_refused_and_nothing_is_written(asked, amount, answer, code):
    with pytest.raises(DomainError) as err:
        svc.aftersales_answer(actor=f.owner(asked.order.merchant), case_id=asked.pk, accept=True, answer=answer,
                              refund_amount=amount)
    assert err.value.code == code
    case = f.refreshed(asked)
    assert (case.status, case.amount, case.by_amount, case.merchant_answer) == ("open", f.money("119.80"), False, "")
    assert list(AfterSalesLine.objects.filter(case=case).values_list("quantity", "amount")) == [
        (2, f.money("119.80"))]


def test_a_return_cannot_be_refunded_in_part(after_commit):
    order = f.paid_order(after_commit)
    order_ship(actor=f.owner(order.merchant), order_id=order.pk, carrier="顺丰速运", tracking_number="SF123456")
    case = svc.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="return_refund", reason="尺码不合适",
                               lines=[(order.lines.get().pk, 1)])
    with pytest.raises(DomainError) as err:
        svc.aftersales_answer(actor=f.owner(order.merchant), case_id=case.pk, accept=True, answer="退一半",
                              refund_amount="10.00")
    assert (err.value.code, err.value.details["field"]) == ("orders.after_sales_kind", "refund_amount")
    assert AfterSalesCase.objects.get(pk=case.pk).status == "open"


def test_the_page_offers_a_partial_refund_and_shows_a_bad_amount_beside_the_field(client, asked, after_commit):
    client.force_login(f.owner(asked.order.merchant))
    url = f"/merchant/after-sales/{asked.pk}/"
    assert "部分退款，并向买家说明原因" in client.get(url).content.decode()

    too_much = client.post(url, {"decision": "partial", "refund_amount": "119.80", "answer": "补偿"})
    assert too_much.status_code == 400
    assert too_much.context["form"].errors["refund_amount"] == ["部分退款金额须大于 0 且小于买家申请的 119.80。"]
    missing = client.post(url, {"decision": "partial", "refund_amount": "", "answer": ""})
    assert missing.context["form"].errors == {"refund_amount": ["请填写退款金额。"],
                                              "answer": ["请告诉买家只退部分款项的原因。"]}
    assert f.refreshed(asked).status == "open"

    with after_commit():
        client.post(url, {"decision": "partial", "refund_amount": "30", "answer": "补偿 30 元"})
    assert (f.refreshed(asked).status, f.refreshed(asked).amount) == ("refunded", f.money("30.00"))
