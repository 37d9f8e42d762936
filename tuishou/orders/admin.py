"""Back office for orders: orders with lines and history, the after-sales queue (escalated cases first).

Read-only on purpose: statuses and money move only through the services. Customer service decides escalated
cases with the after-sales admin's actions (force the refund, or close with a reason), which call
``aftersales_decide``: it checks the customer_service role and writes the audit entry."""

from __future__ import annotations

from django.contrib import admin

from tuishou.core.admin_actions import ReasonForm, form_action, run_service
from tuishou.core.admin_history import status_history_inline
from tuishou.core.admin_readonly import ReadOnlyAdmin, ReadOnlyInline
from tuishou.orders.aftersales import aftersales_decide
from tuishou.orders.models import (
    AfterSalesCase,
    AfterSalesLine,
    AfterSalesPhoto,
    AfterSalesStatusChange,
    Checkout,
    CheckoutStatusChange,
    Order,
    OrderLine,
    OrderStatusChange,
)


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ("title", "spec_name", "unit_price", "quantity", "paid_amount", "commission_mode", "commission_rate",
              "commission_amount", "commission_base", "refunded_quantity", "refunded_amount",
              "commission_base_remaining")
    readonly_fields = fields


class OrderStatusChangeInline(ReadOnlyInline):
    model = OrderStatusChange
    fields = ("created_at", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ("number", "status", "merchant", "buyer", "total", "refunded_amount", "promoter", "created_at")
    list_filter = ("status", "merchant", "created_at", "self_purchase")
    search_fields = ("number", "recipient_phone", "buyer__phone")
    date_hierarchy = "created_at"
    list_select_related = ("merchant", "buyer", "promoter__user")
    inlines = [OrderLineInline, OrderStatusChangeInline]


@admin.register(Checkout)
class CheckoutAdmin(ReadOnlyAdmin):
    list_display = ("id", "buyer", "status", "amount", "created_at", "expires_at", "paid_at")
    list_filter = ("status",)
    search_fields = ("buyer__phone", "orders__number")
    inlines = [status_history_inline(CheckoutStatusChange)]


class AfterSalesLineInline(ReadOnlyInline):
    model = AfterSalesLine
    fields = ("order_line", "quantity", "amount")
    readonly_fields = fields


class AfterSalesPhotoInline(ReadOnlyInline):
    model = AfterSalesPhoto
    fields = ("image", "uploaded_at")
    readonly_fields = fields


class EscalatedFilter(admin.SimpleListFilter):
    title = "customer service queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("escalated", "Escalated (客服介入)"), ("overdue", "Open past the SLA")]

    def queryset(self, request, queryset):
        from django.utils import timezone

        if self.value() == "escalated":
            return queryset.filter(status=AfterSalesCase.Status.ESCALATED)
        if self.value() == "overdue":
            return queryset.filter(status=AfterSalesCase.Status.OPEN, answer_due_at__lte=timezone.now())
        return queryset


# What an approval records as the decision (a rejection asks the operator for the reason).
APPROVED_DECISION = "客服裁定：同意退款"


@admin.register(AfterSalesCase)
class AfterSalesCaseAdmin(ReadOnlyAdmin):
    list_display = ("id", "order", "kind", "status", "amount", "opened_at", "answer_due_at", "escalated_at",
                    "decided_by")
    list_filter = (EscalatedFilter, "status", "kind")
    search_fields = ("order__number", "order__recipient_phone")
    list_select_related = ("order", "decided_by")
    inlines = [AfterSalesLineInline, AfterSalesPhotoInline, status_history_inline(AfterSalesStatusChange)]
    # Visible to every operator who can open the queue; the service refuses anyone without the
    # customer_service role, and the refusal is shown as a message for each case.
    actions = ["refund_approve", "refund_reject"]

    @admin.action(description="Approve: force the refund of the selected escalated cases (客服同意退款)")
    def refund_approve(self, request, queryset):
        run_service(self, request, queryset, done="Refund approved", call=lambda case: aftersales_decide(
            actor=request.user, case_id=case.pk, refund=True, decision=APPROVED_DECISION))

    @admin.action(description="Reject: close the selected escalated cases (asks for a reason) (客服驳回)")
    def refund_reject(self, request, queryset):
        return form_action(self, request, queryset, form_class=ReasonForm, title="Reject after-sales cases",
                           call=lambda case, data: aftersales_decide(actor=request.user, case_id=case.pk,
                                                                     refund=False, decision=data["reason"]))
