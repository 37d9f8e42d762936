"""Back office for incentive plans: import YAML drafts, read findings, publish, export."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join

from tuishou.core.admin_history import status_history_inline
from tuishou.core.errors import DomainError
from tuishou.incentives.models import PlanVersion, PlanVersionStatusChange, RankEvaluationRun, VolumeEntry
from tuishou.incentives.selectors import plan_version_export
from tuishou.incentives.services import plan_draft_import, plan_publish
from tuishou.network.models import Community


class PlanImportForm(forms.Form):
    community = forms.ModelChoiceField(queryset=Community.objects.order_by("pk"))
    source = forms.CharField(widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "style": "font-family:monospace"}),
                             label="Plan (YAML or JSON)")
    file = forms.FileField(required=False, help_text="…or upload a .yaml file instead of pasting it.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].required = False

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            data["source"] = upload.read().decode("utf-8")
        if not data.get("source"):
            raise forms.ValidationError("Paste a plan or upload a file.")
        return data


@admin.register(PlanVersion)
class PlanVersionAdmin(admin.ModelAdmin):
    list_display = ["plan_key", "name", "community", "version", "status", "jurisdiction", "error_count",
                    "published_at", "retired_at"]
    list_filter = ["status", "community", "jurisdiction"]
    search_fields = ["plan_key", "name", "community__name", "community__code"]
    readonly_fields = ["community", "plan_key", "name", "version", "status", "jurisdiction", "findings_list",
                       "source", "created_by", "created_at", "published_by", "published_at", "retired_at"]
    exclude = ["document", "findings"]
    inlines = [status_history_inline(PlanVersionStatusChange)]
    actions = ["publish_selected", "export_yaml"]

    def has_add_permission(self, request):
        return False  # drafts come in through "Import plan", which validates and checks them

    def has_delete_permission(self, request, obj=None):
        return obj is not None and obj.status == PlanVersion.Status.DRAFT

    @admin.display(description="Compliance findings")
    def findings_list(self, obj):
        if not obj.findings:
            return "none"
        return format_html_join("", "<div><b>{}</b> {} · {} — {}</div>",
                                ((f["code"], f["severity"], f.get("rule") or "plan", f["message"])
                                 for f in obj.findings))

    def get_urls(self):
        return [path("import/", self.admin_site.admin_view(self.import_view), name="incentives_planversion_import"),
                *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "import_url": reverse("admin:incentives_planversion_import")}
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        form = PlanImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                draft = plan_draft_import(actor=request.user, community=form.cleaned_data["community"],
                                          source=form.cleaned_data["source"])
            except DomainError as exc:
                form.add_error("source", f"{exc.code}: {exc.message}")
            else:
                self.message_user(request, f"Draft imported with {draft.error_count} compliance error(s).")
                return HttpResponseRedirect(reverse("admin:incentives_planversion_change", args=[draft.pk]))
        context = {**self.admin_site.each_context(request), "title": "Import an incentive plan", "form": form,
                   "opts": self.model._meta}
        return TemplateResponse(request, "admin/incentives/plan_import.html", context)

    @admin.action(description="Publish the selected draft (runs the compliance check)")
    def publish_selected(self, request, queryset):
        for draft in queryset.order_by("pk"):
            try:
                published = plan_publish(actor=request.user, draft=draft)
            except DomainError as exc:
                self.message_user(request, f"{draft}: {exc.code}: {exc.message}", level=messages.ERROR)
            else:
                self.message_user(request, f"{published} is now in force.")

    @admin.action(description="Export the selected version as YAML")
    def export_yaml(self, request, queryset):
        filename, source = plan_version_export(actor=request.user, version_id=queryset.order_by("pk").first().pk)
        response = HttpResponse(source, content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


@admin.register(VolumeEntry)
class VolumeEntryAdmin(admin.ModelAdmin):
    list_display = ["source_ref", "promoter", "base", "orders", "self_purchase", "occurred_at"]
    list_filter = ["self_purchase", ("occurred_at", admin.DateFieldListFilter)]
    search_fields = ["source_ref", "promoter__invite_code", "promoter__user__phone"]
    raw_id_fields = ["promoter"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(RankEvaluationRun)
class RankEvaluationRunAdmin(admin.ModelAdmin):
    list_display = ["community", "evaluated_at", "plan_version", "promoters", "promoted", "demoted", "finished_at"]
    list_filter = ["community"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
