"""Back office for micro-stores and sharing: stores with their items, links with their clicks, bindings.

Rows here change through the services (promoters edit their own stores); the back office reads them.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count

from tuishou.core.admin_readonly import ReadOnlyAdmin, ReadOnlyInline
from tuishou.stores.models import AttributionVisit, ConsumerBinding, ShareLink, Store, StoreItem


class StoreItemInline(ReadOnlyInline):
    model = StoreItem
    extra = 0
    fields = readonly_fields = ["position", "product", "title", "recommendation", "hidden", "updated_at"]
    ordering = ["position", "id"]


@admin.register(Store)
class StoreAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "promoter", "item_count", "created_at"]
    search_fields = ["code", "title", "promoter__invite_code", "promoter__user__phone"]
    readonly_fields = ["promoter", "code", "title", "slogan", "created_at", "updated_at"]
    inlines = [StoreItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("promoter__user").annotate(n_items=Count("items"))

    @admin.display(description="items", ordering="n_items")
    def item_count(self, obj):
        return obj.n_items


@admin.register(ShareLink)
class ShareLinkAdmin(ReadOnlyAdmin):
    list_display = ["code", "promoter", "target", "product", "clicks", "unique_visitors", "created_at"]
    list_filter = ["target"]
    search_fields = ["code", "promoter__invite_code", "promoter__user__phone", "product__title"]
    readonly_fields = ["code", "promoter", "target", "product", "created_at"]

    def get_queryset(self, request):
        return (super().get_queryset(request).select_related("promoter__user", "product")
                .annotate(n_clicks=Count("clicks"), n_visitors=Count("clicks__visitor_key", distinct=True)))

    @admin.display(description="clicks", ordering="n_clicks")
    def clicks(self, obj):
        return obj.n_clicks

    @admin.display(description="unique visitors", ordering="n_visitors")
    def unique_visitors(self, obj):
        return obj.n_visitors


@admin.register(ConsumerBinding)
class ConsumerBindingAdmin(ReadOnlyAdmin):
    list_display = ["consumer", "promoter", "community", "mode", "bound_at", "expires_at", "source_link"]
    list_filter = ["mode", "community"]
    search_fields = ["consumer__phone", "consumer__username", "promoter__invite_code"]
    readonly_fields = ["consumer", "promoter", "community", "mode", "bound_at", "expires_at", "source_link",
                       "updated_at"]
    list_select_related = ["consumer", "promoter__user", "community", "source_link"]


@admin.register(AttributionVisit)
class AttributionVisitAdmin(ReadOnlyAdmin):
    list_display = ["at", "link", "user", "visitor_key", "claimed_at"]
    search_fields = ["link__code", "user__phone", "visitor_key"]
    readonly_fields = ["visitor_key", "user", "link", "at", "claimed_at"]
    list_select_related = ["link", "user"]
