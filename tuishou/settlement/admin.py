"""Back office for settlement: read-only lists of commissions, merchant receivables and period settlements.

Rows change only through the services (accrual, refunds, the settlement run), never by hand.
"""

from django.contrib import admin

from tuishou.core.admin_readonly import ReadOnlyAdmin
from tuishou.settlement.models import Commission, MerchantReceivable, PeriodSettlement


class DueFilter(admin.SimpleListFilter):
    """Pending rows by whether their due time has come, is still ahead, or is unknown (not received yet)."""

    title = "due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("past", "Due time passed"), ("future", "Due later"), ("unknown", "Not received yet")]

    def queryset(self, request, queryset):
        from django.utils import timezone

        now = timezone.now()
        if self.value() == "past":
            return queryset.filter(due_at__lte=now)
        if self.value() == "future":
            return queryset.filter(due_at__gt=now)
        if self.value() == "unknown":
            return queryset.filter(due_at__isnull=True)
        return queryset


@admin.register(Commission)
class CommissionAdmin(ReadOnlyAdmin):
    list_display = ["id", "order", "period", "promoter", "rule", "amount", "accrued_amount", "cancelled_amount",
                    "clawed_back_amount", "status", "due_at", "settled_at"]
    list_filter = ["status", DueFilter, "rule", "period"]
    search_fields = ["order__number", "promoter__invite_code", "promoter__user__phone"]
    list_select_related = ["order", "promoter__user"]
    date_hierarchy = "created_at"


@admin.register(MerchantReceivable)
class MerchantReceivableAdmin(ReadOnlyAdmin):
    list_display = ["id", "order", "merchant", "paid_amount", "refunded_amount", "commission_base", "fee", "net",
                    "status", "due_at", "settled_at"]
    list_filter = ["status", DueFilter]
    search_fields = ["order__number", "merchant__name"]
    list_select_related = ["order", "merchant"]
    date_hierarchy = "created_at"


@admin.register(PeriodSettlement)
class PeriodSettlementAdmin(ReadOnlyAdmin):
    list_display = ["period", "community", "plan_version", "base_total", "payout_total", "recipients", "entry_key",
                    "created_at"]
    list_filter = ["period", "community"]
