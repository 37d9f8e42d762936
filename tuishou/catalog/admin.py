"""Back office for the catalog: review products, curate 爆品区 and 验货区, watch stock."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Exists, Min, OuterRef, Sum
from django.utils.html import format_html

from tuishou.catalog import services
from tuishou.catalog.models import Product, ProductImage, ProductStatusChange, Sku
from tuishou.core.admin_actions import ReasonForm, form_action, run_service
from tuishou.core.admin_readonly import ReadOnlyAdmin, ReadOnlyInline

LOW_STOCK = 10


class StockFilter(admin.SimpleListFilter):
    """Products (or SKUs) with an active SKU out of stock or running low."""

    title = "stock"
    parameter_name = "stock"

    def lookups(self, request, model_admin):
        return [("out", "Out of stock (0)"), ("low", f"Low (≤ {LOW_STOCK})")]

    def queryset(self, request, queryset):
        if self.value() not in ("out", "low"):
            return queryset
        limit = 0 if self.value() == "out" else LOW_STOCK
        if queryset.model is Sku:
            return queryset.filter(active=True, stock__lte=limit)
        return queryset.filter(Exists(Sku.objects.filter(product=OuterRef("pk"), active=True, stock__lte=limit)))


class SkuInline(admin.TabularInline):
    """Read-only: merchants edit SKUs through their portal, where prices and commission are checked."""

    model = Sku
    extra = 0
    can_delete = False
    fields = readonly_fields = ["code", "spec_name", "price", "supply_price", "stock", "commission_mode",
                                "commission_rate", "commission_amount", "active"]

    def has_add_permission(self, request, obj=None):
        return False


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0
    can_delete = False
    fields = readonly_fields = ["thumbnail", "position", "image"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="picture")
    def thumbnail(self, obj):
        return format_html('<img src="{}" style="height:64px">', obj.image.url) if obj.image else ""


class StatusChangeInline(ReadOnlyInline):
    model = ProductStatusChange
    fields = readonly_fields = ["created_at", "event", "from_status", "to_status", "actor", "reason"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["title", "merchant", "category", "status", "lowest_price", "stock", "inspected", "updated_at"]
    list_filter = ["status", "inspected", StockFilter, "merchant__status", "category",
                   ("merchant", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "description", "merchant__name", "skus__code"]
    list_select_related = ["merchant"]
    date_hierarchy = "created_at"
    readonly_fields = ["merchant", "title", "category", "description", "status", "reject_reason", "reviewed_by",
                       "reviewed_at", "inspected",
                       "inspected_at", "inspected_by_operator", "created_at", "updated_at"]
    inlines = [SkuInline, ProductImageInline, StatusChangeInline]
    # 爆品区 is run as campaigns (``/ops/campaigns/``, the campaigns admin), not as a flag on the product.
    actions = ["approve", "reject", "unshelve", "inspected_grant", "inspected_withdraw", "inspected_release"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            _min_price=Min("skus__price"), _stock=Sum("skus__stock"))

    @admin.display(description="lowest price", ordering="_min_price")
    def lowest_price(self, obj):
        return obj._min_price

    @admin.display(description="stock", ordering="_stock")
    def stock(self, obj):
        return obj._stock

    def has_add_permission(self, request):
        return False  # merchants create products

    def has_delete_permission(self, request, obj=None):
        return False  # take it off the shelf instead: orders point at products

    @admin.action(description="Approve selected products")
    def approve(self, request, queryset):
        run_service(self, request, queryset, done="Approved",
                    call=lambda p: services.product_approve(actor=request.user, product_id=p.pk))

    @admin.action(description="Reject selected products (asks for a reason)")
    def reject(self, request, queryset):
        return form_action(self, request, queryset, form_class=ReasonForm, title="Reject products",
                           call=lambda p, data: services.product_reject(actor=request.user, product_id=p.pk,
                                                                        reason=data["reason"]))

    @admin.action(description="Take selected products off the shelf (asks for a reason)")
    def unshelve(self, request, queryset):
        return form_action(self, request, queryset, form_class=ReasonForm, title="Take off the shelf",
                           call=lambda p, data: services.product_unshelve(actor=request.user, product_id=p.pk,
                                                                          reason=data["reason"]))

    @admin.action(description="Grant the 验货 badge")
    def inspected_grant(self, request, queryset):
        run_service(self, request, queryset, done="Badge granted",
                    call=lambda p: services.product_inspected_set(actor=request.user, product_id=p.pk,
                                                                  inspected=True))

    @admin.action(description="Withdraw the 验货 badge")
    def inspected_withdraw(self, request, queryset):
        run_service(self, request, queryset, done="Badge withdrawn",
                    call=lambda p: services.product_inspected_set(actor=request.user, product_id=p.pk,
                                                                  inspected=False))

    @admin.action(description="Hand the 验货 badge back to the inspection rule")
    def inspected_release(self, request, queryset):
        run_service(self, request, queryset, done="Badge released to the inspection rule",
                    call=lambda p: services.product_inspected_release(actor=request.user, product_id=p.pk))


@admin.register(Sku)
class SkuAdmin(admin.ModelAdmin):
    """A stock watch list: every SKU with its prices, stock and commission setting (read-only)."""

    list_display = ["code", "spec_name", "product", "merchant", "price", "supply_price", "stock",
                    "commission_mode", "commission_rate", "commission_amount", "active"]
    list_filter = ["active", StockFilter, "commission_mode", "product__status",
                   ("product__merchant", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "spec_name", "product__title", "product__merchant__name"]
    list_select_related = ["product__merchant"]
    readonly_fields = [f.name for f in Sku._meta.fields]

    @admin.display(description="merchant", ordering="product__merchant__name")
    def merchant(self, obj):
        return obj.product.merchant

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProductStatusChange)
class ProductStatusChangeAdmin(ReadOnlyAdmin):
    """History is append-only."""

    list_display = ["created_at", "product", "event", "from_status", "to_status", "actor", "reason"]
    list_filter = ["event", "to_status", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["product__title", "reason", "actor__username", "actor__phone"]
    list_select_related = ["product", "actor"]
    date_hierarchy = "created_at"
