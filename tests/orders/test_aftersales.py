from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.orders import factories as f
from tuishou.catalog.images import placeholder_image
from tuishou.catalog.models import Sku
from tuishou.core.errors import DomainError
from tuishou.incentives.models import VolumeEntry
from tuishou.orders import aftersales as svc
from tuishou.orders import events, selectors
from tuishou.orders.fulfilment import order_confirm_receipt, order_ship, orders_complete
from tuishou.orders.models import AfterSalesCase, AfterSalesLine, Order, OrderLine
from tuishou.payments.models import Refund
from tuishou.risk.models import AuditEntry
from tuishou.settlement.models import Commission
from tuishou.settlement.settle import settlement_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def sale(after_commit):
    """A paid order of 3 × 59.90 (B 35.94) credited to a promoter through their link; stock 10 → 7."""
    f.plan()
    seller = f.invitee(f.root("阿花"), "小李")
    honey = f.sku(price="59.90", rate="0.2000", stock=10)
    link = f.share_link(seller, honey.product_id)
    order = f.paid_order(after_commit, item=honey, quantity=3, share_code=link.code)
    return order, seller, honey


def _ship_and_receive(order):
    order_ship(actor=f.owner(order.merchant), order_id=order.pk, carrier="顺丰", tracking_number="SF1")
    return order_confirm_receipt(actor=order.buyer, order_id=order.pk)


def test_a_partial_refund_by_quantity_refunds_that_share_and_emits_exactly_it(sale, after_commit, emitted):
    order, seller, honey = sale
    line = order.lines.get()
    emitted.clear()
    # given the buyer asks for one of three units back before shipping
    case = svc.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="拍多了",
                               lines=[(line.pk, 1)])
    assert (case.status, case.amount, case.restock) == ("open", Decimal("59.90"), True)
    # when the merchant accepts and the gateway refunds
    with after_commit():
        svc.aftersales_answer(actor=f.owner(order.merchant), case_id=case.pk, accept=True)
    # then the line, the order's B and the volume shrink by exactly that unit, and the stock comes back
    case = f.refreshed(case)
    refund = Refund.objects.get(automatic=False)
    assert (case.status, case.refund_ref, refund.amount, refund.status) == (
        "refunded", str(refund.pk), Decimal("59.90"), "succeeded")
    line = f.refreshed(line)
    assert (line.refunded_quantity, line.refunded_amount, line.commission_base_remaining) == (
        1, Decimal("59.90"), Decimal("23.96"))
    order = f.refreshed(order)
    assert (order.status, order.refunded_amount, order.commission_base_remaining, order.resume_status) == (
        "paid", Decimal("59.90"), Decimal("23.96"), "")
    assert list(order.status_changes.values_list("from_status", "to_status")) == [
        ("created", "paid"), ("paid", "refunding"), ("refunding", "paid")]
    assert Sku.objects.get(pk=honey.pk).stock == 8
    assert list(VolumeEntry.objects.order_by("pk").values_list("base", "orders", "source_ref")) == [
        (Decimal("35.94"), 1, f"order:{order.number}:paid"),
        (Decimal("-11.98"), 0, f"order:{order.number}:refund:{case.pk}")]
    assert emitted == [events.OrderRefunded(
        order_id=order.pk, order_number=order.number, case_id=case.pk, refund_ref=str(refund.pk),
        promoter_id=seller.pk, plan_version_id=order.plan_version_id, amount=Decimal("59.90"),
        lines=(events.RefundedLine(line_id=line.pk, sku_id=honey.pk, quantity=1, amount=Decimal("59.90"),
                                   commission_base=Decimal("11.98")),),
        commission_base_before=Decimal("35.94"), commission_base_after=Decimal("23.96"), fully_refunded=False,
        refunded_at=case.refunded_at)]


def test_a_refund_by_amount_after_receipt_keeps_the_order_received_and_restocks_nothing(sale, after_commit, emitted):
    order, _, honey = sale
    _ship_and_receive(order)
    emitted.clear()
    case = svc.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="有破损",
                               amount="10.00")
    with after_commit():
        svc.aftersales_answer(actor=f.owner(order.merchant), case_id=case.pk, accept=True, answer="补偿")
    order = f.refreshed(order)
    line = order.lines.get()
    assert (order.status, order.refunded_amount, order.commission_base_remaining) == (
        "received", Decimal("10.00"), Decimal("33.94"))
    assert (line.refunded_quantity, line.refunded_amount) == (0, Decimal("10.00"))
    assert Sku.objects.get(pk=honey.pk).stock == 7
    (event,) = emitted
    assert (event.amount, event.lines[0].quantity, event.lines[0].commission_base, event.fully_refunded) == (
        Decimal("10.00"), 0, Decimal("2.00"), False)


def test_a_full_return_refunds_everything_restocks_and_counts_the_order_off(sale, after_commit, emitted):
    order, _, honey = sale
    _ship_and_receive(order)
    line = order.lines.get()
    case = svc.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="return_refund", reason="不喜欢",
                               lines=[(line.pk, 3)])
    staff = f.owner(order.merchant)
    assert svc.aftersales_answer(actor=staff, case_id=case.pk, accept=True).status == "merchant_accepted"
    assert svc.aftersales_return_ship(buyer=order.buyer, case_id=case.pk, carrier="中通",
                                      tracking_number="ZT9").status == "return_shipped"
    with after_commit():
        svc.aftersales_return_receive(actor=staff, case_id=case.pk)
    order = f.refreshed(order)
    assert (order.status, order.refunded_amount, order.commission_base_remaining) == (
        "refunded", Decimal("179.70"), Decimal("0.00"))
    assert Sku.objects.get(pk=honey.pk).stock == 10
    assert VolumeEntry.objects.order_by("pk").last().orders == -1
    assert emitted[-1].fully_refunded is True
    assert emitted[-1].commission_base_after == Decimal("0.00")


def test_a_partial_refund_keeps_the_receipt_time_so_completion_and_settlement_are_not_delayed(sale, after_commit):
    # given an order of three units received three days ago (shipped four days ago)
    order, _, _ = sale
    _ship_and_receive(order)
    received_at = timezone.now() - timedelta(days=3)
    Order.objects.filter(pk=order.pk).update(shipped_at=received_at - timedelta(days=1), received_at=received_at)
    order = f.refreshed(order)
    stamps = (order.paid_at, order.shipped_at, order.received_at)
    # when one unit is refunded today
    case = svc.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="少了一罐",
                               lines=[(order.lines.get().pk, 1)])
    with after_commit():
        svc.aftersales_answer(actor=f.owner(order.merchant), case_id=case.pk, accept=True)
    # then the order is received again and every stamp still says when it first got there
    order = f.refreshed(order)
    assert (order.status, order.paid_at, order.shipped_at, order.received_at) == ("received", *stamps)
    assert list(order.status_changes.values_list("to_status", flat=True)) == [
        "paid", "shipped", "received", "refunding", "received"]
    # and the rest of the order completes and settles when the first receipt says, not later
    assert orders_complete(now=received_at + timedelta(days=7)) == 1
    summary = settlement_run(as_of=received_at + timedelta(days=15))
    assert (summary.commissions, summary.receivables) == (2, 1)
    assert set(Commission.objects.filter(order=order).values_list("status", flat=True)) == {"available"}


@pytest.mark.parametrize("ask", [{"lines": "4 units"}, {"amount": "179.71"}])
def test_refunding_more_than_was_paid_is_refused_and_nothing_is_written(sale, ask):
    order, _, _ = sale
    line = order.lines.get()
    scope = {"lines": [(line.pk, 4)]} if "lines" in ask else {"amount": ask["amount"]}
    with pytest.raises(DomainError) as err:
        svc.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="退款", **scope)
    assert err.value.code == "orders.refund_exceeds_paid"
    assert (AfterSalesCase.objects.count(), AfterSalesLine.objects.count()) == (0, 0)


def test_after_a_partial_refund_only_what_is_left_can_be_refunded(sale, after_commit):
    order, _, _ = sale
    line = order.lines.get()
    case = svc.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="拍多了",
                               lines=[(line.pk, 2)])
    with after_commit():
        svc.aftersales_answer(actor=f.owner(order.merchant), case_id=case.pk, accept=True)
    with pytest.raises(DomainError) as err:
        svc.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="再退",
                            amount="59.91")
    assert (err.value.code, err.value.details["refundable"]) == ("orders.refund_exceeds_paid", "59.90")
    assert AfterSalesCase.objects.count() == 1


@pytest.mark.parametrize("quantity", [0, -2])
def test_a_refund_of_zero_or_negative_units_is_refused(sale, quantity):
    order, _, _ = sale
    with pytest.raises(DomainError) as err:
        svc.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="退款",
                            lines=[(order.lines.get().pk, quantity)])
    assert err.value.code == "orders.quantity_invalid"
    assert AfterSalesCase.objects.count() == 0


def test_only_one_case_is_open_at_a_time_and_only_the_buyer_opens_one(sale):
    order, _, _ = sale
    with pytest.raises(DomainError) as err:
        svc.aftersales_open(buyer=f.buyer("别人"), order_id=order.pk, kind="refund_only", reason="x", amount="1.00")
    assert (err.value.code, err.value.status) == ("orders.order_unknown", 404)
    svc.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="x", amount="1.00")
    with pytest.raises(DomainError) as err:
        svc.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="y", amount="1.00")
    assert err.value.code == "orders.after_sales_open_exists"
    assert AfterSalesCase.objects.count() == 1


def test_the_after_sales_window_closes_seven_days_after_receipt(sale):
    order, _, _ = sale
    received_at = _ship_and_receive(order).received_at
    with pytest.raises(DomainError) as err:
        svc.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="x", amount="1.00",
                            now=received_at + timedelta(days=7, seconds=1))
    assert err.value.code == "orders.after_sales_window_closed"


def test_an_unanswered_case_escalates_after_the_sla_and_customer_service_forces_the_refund(sale, after_commit):
    order, _, _ = sale
    case = svc.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="没发货",
                               amount="59.90")
    assert case.answer_due_at == case.opened_at + timedelta(hours=48)
    assert svc.aftersales_escalate_overdue(now=case.answer_due_at - timedelta(seconds=1)) == 0
    assert svc.aftersales_escalate_overdue(now=case.answer_due_at) == 1
    assert svc.aftersales_escalate_overdue(now=case.answer_due_at) == 0
    case = f.refreshed(case)
    assert (case.status, case.escalated_at) == ("escalated", case.answer_due_at)
    # the merchant is too late now
    with pytest.raises(DomainError) as err:
        svc.aftersales_answer(actor=f.owner(order.merchant), case_id=case.pk, accept=False, answer="不行")
    assert err.value.code == "orders.after_sales_not_open"
    with pytest.raises(DomainError) as err:
        svc.aftersales_decide(actor=f.operator("ops"), case_id=case.pk, refund=True, decision="退")
    assert err.value.code == "auth.forbidden"
    cs = f.operator("customer_service")
    assert list(selectors.aftersales_escalated(user=cs)) == [case]
    with after_commit():
        svc.aftersales_decide(actor=cs, case_id=case.pk, refund=True, decision="商家超时未处理，平台退款")
    case = f.refreshed(case)
    assert (case.status, case.decided_by_id, f.refreshed(order).refunded_amount) == ("refunded", cs.pk,
                                                                                   Decimal("59.90"))
    assert AuditEntry.objects.filter(action="orders.after_sales_decided", target_id=str(case.pk)).count() == 1


def test_a_rejected_case_can_be_escalated_by_the_buyer_and_closed_by_customer_service(sale):
    order, _, _ = sale
    case = svc.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="想退",
                               amount="5.00")
    with pytest.raises(DomainError) as err:
        svc.aftersales_answer(actor=f.owner(order.merchant), case_id=case.pk, accept=False)
    assert err.value.code == "orders.field_required"
    svc.aftersales_answer(actor=f.owner(order.merchant), case_id=case.pk, accept=False, answer="已发货，不支持")
    assert svc.aftersales_escalate(buyer=order.buyer, case_id=case.pk, reason="商家拒绝").status == "escalated"
    closed = svc.aftersales_decide(actor=f.operator("customer_service"), case_id=case.pk, refund=False,
                                   decision="商品无问题")
    assert (closed.status, f.refreshed(order).status, Refund.objects.filter(automatic=False).count()) == (
        "closed", "paid", 0)


def test_another_merchant_cannot_answer(sale):
    order, _, _ = sale
    case = svc.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="x", amount="1.00")
    with pytest.raises(DomainError) as err:
        svc.aftersales_answer(actor=f.owner(f.shop(name="别家")), case_id=case.pk, accept=True)
    assert (err.value.code, err.value.status) == ("orders.after_sales_unknown", 404)
    assert f.refreshed(case).status == "open"


def test_photos_are_attached_and_non_images_refused(sale):
    order, _, _ = sale
    case = svc.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="破损",
                               amount="1.00")
    png = placeholder_image("破损", seed=3).read()
    for name in ("a.png", "b.png"):
        svc.aftersales_photo_add(buyer=order.buyer, case_id=case.pk,
                                 image=SimpleUploadedFile(name, png, content_type="image/png"))
    with pytest.raises(DomainError) as err:
        svc.aftersales_photo_add(buyer=order.buyer, case_id=case.pk,
                                 image=SimpleUploadedFile("x.png", b"not an image", content_type="image/png"))
    assert err.value.code == "orders.photo_invalid"
    assert case.photos.count() == 2


def test_the_promoter_sees_the_after_sales_of_their_customers_only(sale):
    order, seller, _ = sale
    case = svc.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="x", amount="1.00")
    assert list(selectors.aftersales_for_promoter(user=seller.user)) == [case]
    assert list(selectors.orders_for_promoter(user=seller.user)) == [order]
    other = f.invitee(f.root("别人"))
    assert list(selectors.aftersales_for_promoter(user=other.user)) == []


def test_a_refunded_line_keeps_its_snapshot(sale, after_commit):
    order, _, _ = sale
    line = order.lines.get()
    case = svc.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="x",
                               lines=[(line.pk, 1)])
    with after_commit():
        svc.aftersales_answer(actor=f.owner(order.merchant), case_id=case.pk, accept=True)
    assert OrderLine.objects.values_list("quantity", "paid_amount", "commission_base").get() == (
        3, Decimal("179.70"), Decimal("35.94"))
    assert Order.objects.values_list("total", "commission_base").get() == (Decimal("179.70"), Decimal("35.94"))
