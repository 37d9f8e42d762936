"""Customer service decides escalated after-sales cases in the back office: approve (the refund is forced) or
reject with a reason, through ``aftersales_decide`` (role check, audit). Another operator is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from tests.orders import factories as f
from tuishou.orders import aftersales as svc
from tuishou.orders.models import AfterSalesCase, Order
from tuishou.payments.models import Refund
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db
QUEUE = "/admin/orders/aftersalescase/"


@pytest.fixture
def escalated(after_commit):
    """A paid order of 1 × 59.90 with a refund-only case the merchant left unanswered past the SLA."""
    f.plan()
    order = f.paid_order(after_commit, quantity=1)
    case = svc.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="一直没发货",
                               amount="59.90")
    assert svc.aftersales_escalate_overdue(now=case.answer_due_at) == 1
    return f.refreshed(case)


def _signed_in(role: str) -> Client:
    browser = Client()
    browser.force_login(f.operator(role))
    return browser


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_escalated_filter_lists_only_escalated_cases(escalated, after_commit):
    # given an escalated case and an open one on another order
    other = f.paid_order(after_commit, quantity=1)
    svc.aftersales_open(buyer=other.buyer, order_id=other.pk, kind="refund_only", reason="不想要了", amount="1.00")
    customer_service = _signed_in("customer_service")

    # when customer service opens the queue filtered to escalated cases
    page = customer_service.get(f"{QUEUE}?queue=escalated")

    # then only the escalated case is listed, and both actions are offered
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [escalated]
    html = page.content.decode()
    assert 'value="refund_approve"' in html and 'value="refund_reject"' in html


def test_customer_service_approves_and_the_refund_is_forced(escalated, after_commit):
    customer_service = _signed_in("customer_service")

    # when customer service approves the escalated case
    with after_commit():
        response = customer_service.post(QUEUE, {"action": "refund_approve", "_selected_action": [escalated.pk]},
                                         follow=True)

    # then the refund went through the gateway, the order is refunded, and the decision is audited
    assert "Refund approved: 1" in _messages(response)
    case = f.refreshed(escalated)
    assert (case.status, case.decision, case.decided_by_id) == (
        "refunded", "客服裁定：同意退款", response.wsgi_request.user.pk)
    order = Order.objects.get(pk=case.order_id)
    assert (order.status, order.refunded_amount) == ("refunded", Decimal("59.90"))
    assert list(Refund.objects.values_list("amount", "status")) == [(Decimal("59.90"), "succeeded")]
    audit = AuditEntry.objects.get(action="orders.after_sales_decided")
    assert (audit.target_id, audit.reason, audit.data) == (
        str(case.pk), "客服裁定：同意退款", {"refund": True, "amount": "59.90"})


def test_customer_service_rejects_with_a_reason_asked_on_an_intermediate_page(escalated):
    customer_service = _signed_in("customer_service")

    # when customer service chooses reject, it is first asked for the reason
    form = customer_service.post(QUEUE, {"action": "refund_reject", "_selected_action": [escalated.pk]})
    assert form.status_code == 200
    assert 'name="reason"' in form.content.decode()
    assert f.refreshed(escalated).status == "escalated"

    # and with the reason the case is closed, nothing is refunded, and the reason is audited
    done = customer_service.post(QUEUE, {"action": "refund_reject", "_selected_action": [escalated.pk],
                                         "apply": "1", "reason": "物流显示已签收，商家无责"}, follow=True)
    assert "Reject after-sales cases: 1" in _messages(done)
    case = f.refreshed(escalated)
    assert (case.status, case.decision) == ("closed", "物流显示已签收，商家无责")
    assert Order.objects.get(pk=case.order_id).status == "paid"
    assert Refund.objects.count() == 0
    assert AuditEntry.objects.get(action="orders.after_sales_decided").reason == "物流显示已签收，商家无责"


def test_a_rejection_without_a_reason_is_asked_again_and_changes_nothing(escalated):
    customer_service = _signed_in("customer_service")

    response = customer_service.post(QUEUE, {"action": "refund_reject", "_selected_action": [escalated.pk],
                                             "apply": "1", "reason": ""})

    assert response.status_code == 200 and 'name="reason"' in response.content.decode()
    assert f.refreshed(escalated).status == "escalated"
    assert AuditEntry.objects.filter(action="orders.after_sales_decided").count() == 0


@pytest.mark.parametrize("action, extra", [("refund_approve", {}),
                                           ("refund_reject", {"apply": "1", "reason": "无责"})])
def test_an_operator_without_the_customer_service_role_is_refused_and_nothing_changes(escalated, action, extra):
    # given an ops operator, who may look at the queue
    ops = _signed_in("ops")
    assert ops.get(f"{QUEUE}?queue=escalated").status_code == 200

    # when they try to decide the case
    response = ops.post(QUEUE, {"action": action, "_selected_action": [escalated.pk], **extra}, follow=True)

    # then they are told why, and nothing was decided, refunded or audited
    assert _messages(response) == [f"{escalated}: This needs the customer_service role. (auth.forbidden)"]
    case = f.refreshed(escalated)
    assert (case.status, case.decided_by_id, case.decision) == ("escalated", None, "")
    assert Order.objects.get(pk=case.order_id).status == "paid"
    assert (Refund.objects.count(), AuditEntry.objects.filter(action="orders.after_sales_decided").count()) == (
        0, 0)


def test_a_case_that_is_not_escalated_is_refused_for_its_row_and_the_others_are_decided(escalated, after_commit):
    # given an escalated case and an open (not escalated) one
    other = f.paid_order(after_commit, quantity=1)
    open_case = svc.aftersales_open(buyer=other.buyer, order_id=other.pk, kind="refund_only", reason="不想要了",
                                    amount="1.00")
    customer_service = _signed_in("customer_service")

    # when customer service rejects both
    response = customer_service.post(QUEUE, {"action": "refund_reject", "apply": "1", "reason": "无责",
                                             "_selected_action": [escalated.pk, open_case.pk]}, follow=True)

    # then the escalated one is closed, the open one untouched and reported
    assert _messages(response) == [
        f"{open_case}: An after-sales case that is open cannot become closed. (orders.after_sales_state)",
        "Reject after-sales cases: 1"]
    assert dict(AfterSalesCase.objects.values_list("pk", "status")) == {escalated.pk: "closed", open_case.pk: "open"}
