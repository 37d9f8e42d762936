"""Back office for payments: read-only books. Payments, refunds and callbacks change only through the
gateway's callbacks and the services; operators look here to answer a payer or reconcile with the gateway."""

from __future__ import annotations

from django.contrib import admin

from tuishou.core.admin_history import status_history_inline
from tuishou.core.admin_readonly import ReadOnlyAdmin, ReadOnlyInline
from tuishou.payments.models import (
    Payment,
    PaymentEvent,
    PaymentStatusChange,
    Refund,
    RefundStatusChange,
    SandboxCallback,
)
from tuishou.sandboxes.admin import OutboxCallbackAdmin


class RefundInline(ReadOnlyInline):
    model = Refund
    show_change_link = True
    fields = readonly_fields = ["amount", "status", "reason", "automatic", "gateway_refund_id", "created_at",
                                "succeeded_at"]


class PaymentEventInline(ReadOnlyInline):
    model = PaymentEvent
    show_change_link = True
    fk_name = "payment"
    fields = readonly_fields = ["received_at", "event_id", "type", "outcome", "reason", "signature_verified"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["id", "payable_type", "payable_ref", "amount", "currency", "status", "gateway",
                    "gateway_txn_id", "user", "created_at", "paid_at"]
    list_filter = ["status", "gateway", "payable_type", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["payable_ref", "gateway_txn_id", "idempotency_key"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    inlines = [RefundInline, PaymentEventInline, status_history_inline(PaymentStatusChange)]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["id", "payment", "amount", "status", "automatic", "reason", "gateway_refund_id", "created_at"]
    list_filter = ["status", "automatic"]
    search_fields = ["payment__payable_ref", "payment__gateway_txn_id", "gateway_refund_id", "idempotency_key"]
    list_select_related = ["payment"]
    inlines = [status_history_inline(RefundStatusChange)]


@admin.register(PaymentEvent)
class PaymentEventAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "gateway", "event_id", "type", "txn_id", "outcome", "reason",
                    "signature_verified", "payment"]
    list_filter = ["outcome", "type", "gateway", "signature_verified", "reason"]
    search_fields = ["event_id", "txn_id", "payment__payable_ref"]
    date_hierarchy = "received_at"


@admin.register(SandboxCallback)
class SandboxCallbackAdmin(OutboxCallbackAdmin):
    """The sandbox gateway's outbox (what it sent us and when), for demos and debugging."""
