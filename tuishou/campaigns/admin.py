"""Campaigns in the back office: read-only (created, launched and ended through ``/ops/campaigns/`` or the API,
so every change is validated and audited)."""

from __future__ import annotations

from django.contrib import admin

from tuishou.campaigns.models import Campaign, CampaignPrice, CampaignPush, CampaignStatusChange
from tuishou.core.admin_readonly import ReadOnlyAdmin, ReadOnlyInline


class PriceInline(ReadOnlyInline):
    model = CampaignPrice
    fields = readonly_fields = ["sku", "price"]


class PushInline(ReadOnlyInline):
    model = CampaignPush
    fields = readonly_fields = ["community", "announcement", "material"]


class HistoryInline(ReadOnlyInline):
    model = CampaignStatusChange
    fields = readonly_fields = ["created_at", "from_status", "to_status", "actor", "reason"]


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["title", "product", "status", "starts_at", "ends_at", "sold", "allocation", "commission_mode"]
    list_filter = ["status", "commission_mode"]
    search_fields = ["title", "product__title", "product__merchant__name"]
    list_select_related = ["product"]
    date_hierarchy = "starts_at"
    inlines = [PriceInline, PushInline, HistoryInline]
