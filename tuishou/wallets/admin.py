"""Back office for wallets: the withdrawals with their review actions (through the services, so they are
checked, booked and audited like the API's), and read-only logs of payout callbacks and of the sandbox."""

from __future__ import annotations

from django.contrib import admin

from tuishou.core.admin_actions import ReasonForm, form_action, run_service
from tuishou.core.admin_readonly import ReadOnlyAdmin, ReadOnlyInline
from tuishou.sandboxes.admin import OutboxCallbackAdmin
from tuishou.wallets import services
from tuishou.wallets.models import (
    PayoutEvent,
    PayoutIncident,
    PayoutReport,
    SandboxPayoutCallback,
    SandboxTransfer,
    Withdrawal,
    WithdrawalStatusChange,
)


class StatusChangeInline(ReadOnlyInline):
    model = WithdrawalStatusChange
    fields = readonly_fields = ["created_at", "event", "from_status", "to_status", "actor", "reason"]


class PayoutEventInline(StatusChangeInline):
    model = PayoutEvent
    fields = readonly_fields = ["received_at", "event_id", "type", "outcome", "reason", "signature_verified"]


@admin.register(Withdrawal)
class WithdrawalAdmin(admin.ModelAdmin):
    """Rows change only through the actions (approve, reject); everything else is read-only."""

    list_display = ["id", "promoter", "merchant", "amount", "fee", "net", "status", "payee", "requested_at",
                    "reviewer", "completed_at"]
    list_filter = ["status", "payee_method", ("requested_at", admin.DateFieldListFilter)]
    search_fields = ["promoter__invite_code", "promoter__user__phone", "payout_id", "idempotency_key"]
    date_hierarchy = "requested_at"
    list_select_related = ["promoter__user", "merchant", "reviewer"]
    fields = readonly_fields = ["promoter", "merchant", "amount", "fee", "net", "currency", "payee", "status",
                                "reason", "reviewer", "reviewed_at", "payout_provider", "payout_id", "submitted_at",
                                "requested_at", "completed_at", "idempotency_key"]
    inlines = [StatusChangeInline, PayoutEventInline]
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False  # promoters request withdrawals themselves

    def has_delete_permission(self, request, obj=None):
        return False  # the ledger points at them

    @admin.display(description="payee (masked)")
    def payee(self, obj):
        return obj.payee_display

    @admin.action(description="Approve selected withdrawals (starts their payouts)")
    def approve(self, request, queryset):
        run_service(self, request, queryset, done="Approved",
                    call=lambda w: services.withdrawal_approve(actor=request.user, withdrawal_id=w.pk))

    @admin.action(description="Reject selected withdrawals (asks for a reason; releases the amounts)")
    def reject(self, request, queryset):
        return form_action(self, request, queryset, form_class=ReasonForm, title="Reject withdrawals",
                           call=lambda w, data: services.withdrawal_reject(actor=request.user, withdrawal_id=w.pk,
                                                                           reason=data["reason"]))


@admin.register(PayoutEvent)
class PayoutEventAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "provider", "event_id", "type", "payout_id", "outcome", "reason",
                    "signature_verified", "withdrawal"]
    list_filter = ["outcome", "type", "provider", "signature_verified", "reason"]
    search_fields = ["event_id", "payout_id"]
    date_hierarchy = "received_at"


@admin.register(SandboxTransfer)
class SandboxTransferAdmin(ReadOnlyAdmin):
    """The payout sandbox's own books, for demos and debugging."""

    list_display = ["created_at", "payout_id", "reference", "amount", "status", "failure", "payee"]
    list_filter = ["status"]
    search_fields = ["payout_id", "reference"]


@admin.register(SandboxPayoutCallback)
class SandboxPayoutCallbackAdmin(OutboxCallbackAdmin):
    """The payout sandbox's outbox (what it sent us and when)."""


@admin.register(PayoutReport)
class PayoutReportAdmin(ReadOnlyAdmin):
    """Every state a payout provider reported, in the order received (the provider-report history)."""

    list_display = ["received_at", "withdrawal", "provider", "state", "effect", "event_id", "payout_id"]
    list_filter = ["provider", "state", "effect"]
    search_fields = ["event_id", "payout_id", "withdrawal__id"]


@admin.register(PayoutIncident)
class PayoutIncidentAdmin(ReadOnlyAdmin):
    """Payout incidents: settled by finance on the withdrawals desk (/ops/withdrawals/incidents/), audited."""

    list_display = ["created_at", "withdrawal", "kind", "status", "amount", "shortfall", "resolution", "resolved_by"]
    list_filter = ["kind", "status", "resolution"]
    search_fields = ["withdrawal__id", "note"]
