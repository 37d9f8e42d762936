"""Back office of coupon goods: read-mostly views of items, picks, orders, commissions and imports."""

from django.contrib import admin

from tuishou.coupons.models import CouponCommission, CouponItem, CouponOrder, CouponPick, FeedImport, ReportImport


@admin.register(CouponItem)
class CouponItemAdmin(admin.ModelAdmin):
    list_display = ("title", "platform", "external_id", "price", "coupon_amount", "commission_rate", "valid_until")
    list_filter = ("platform", "category")
    search_fields = ("title", "external_id")


@admin.register(CouponPick)
class CouponPickAdmin(admin.ModelAdmin):
    list_display = ("promoter", "item", "tracking_code", "clicks", "removed", "created_at")
    raw_id_fields = ("promoter", "item")
    search_fields = ("tracking_code",)


@admin.register(CouponOrder)
class CouponOrderAdmin(admin.ModelAdmin):
    list_display = ("external_order_id", "platform", "promoter", "amount", "external_commission", "status", "paid_at")
    list_filter = ("status", "platform")
    search_fields = ("external_order_id",)
    raw_id_fields = ("pick", "promoter", "item", "report", "plan_version")

    def has_change_permission(self, request, obj=None):  # moved only by order reports (their ledger entries)
        return False


@admin.register(CouponCommission)
class CouponCommissionAdmin(admin.ModelAdmin):
    list_display = ("order", "promoter", "rule", "amount", "status")
    list_filter = ("status",)
    raw_id_fields = ("order", "promoter")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FeedImport)
class FeedImportAdmin(admin.ModelAdmin):
    list_display = ("id", "connector", "created", "updated", "skipped", "created_at")


@admin.register(ReportImport)
class ReportImportAdmin(admin.ModelAdmin):
    list_display = ("id", "connector", "source", "rows", "imported", "reversed", "skipped", "created_at")
    list_filter = ("source",)
