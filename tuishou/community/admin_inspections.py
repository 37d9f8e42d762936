"""The inspected zone in the back office: read only (tasks, reports, checklists and settings change through the
operators' desk at /ops/inspections/, where each change is checked and audited)."""

from __future__ import annotations

from django.contrib import admin

from tuishou.community.models_inspections import (
    ChecklistItem,
    InspectionAnswer,
    InspectionChecklist,
    InspectionPhoto,
    InspectionReport,
    InspectionSettings,
    InspectionTask,
)
from tuishou.core.admin_readonly import ReadOnlyAdmin, ReadOnlyInline


class ChecklistItemInline(ReadOnlyInline):
    model = ChecklistItem
    fields = ["position", "label", "active"]


@admin.register(InspectionChecklist)
class InspectionChecklistAdmin(ReadOnlyAdmin):
    list_display = ["name", "category", "updated_at"]
    inlines = [ChecklistItemInline]


@admin.register(InspectionSettings)
class InspectionSettingsAdmin(ReadOnlyAdmin):
    list_display = ["community", "inspector_rank", "passes_required", "reward", "all_zones_rank", "updated_at"]


@admin.register(InspectionTask)
class InspectionTaskAdmin(ReadOnlyAdmin):
    list_display = ["id", "product", "community", "status", "due_at", "opened_by", "created_at"]
    list_filter = ["status", "community"]
    search_fields = ["product__title", "note"]
    list_select_related = ["product", "community", "opened_by"]


class AnswerInline(ReadOnlyInline):
    model = InspectionAnswer
    fields = ["label", "ok", "note"]


class PhotoInline(ReadOnlyInline):
    model = InspectionPhoto
    fields = ["position", "image"]


@admin.register(InspectionReport)
class InspectionReportAdmin(ReadOnlyAdmin):
    list_display = ["id", "product", "inspector", "verdict", "status", "review", "reward", "created_at"]
    list_filter = ["verdict", "status", "review"]
    search_fields = ["product__title", "reasons", "inspector__user__phone"]
    list_select_related = ["product", "inspector__user"]
    inlines = [AnswerInline, PhotoInline]
