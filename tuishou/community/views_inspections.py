"""The inspector's side of the inspected zone in the promoter centre (验货, /centre/inspections/): the open tasks
of my community (or why I cannot inspect yet), a task's page to file my report at phone size — photos, the
checklist item by item, a verdict — and my reports with what they paid."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from tuishou.community import inspections, inspections_selectors
from tuishou.community.models_inspections import InspectionReport
from tuishou.community.views_materials import MultipleImageField, MultipleImageInput
from tuishou.core.errors import DomainError
from tuishou.core.pages import form_add_error, paginate
from tuishou.network.models import Promoter
from tuishou.network.views_centre import promoter_page

OK_CHOICES = (("ok", pgettext_lazy("checklist", "As expected")), ("bad", pgettext_lazy("checklist", "Problem")))


class ReportForm(forms.Form):
    """The checklist's items come first (``item_<id>`` and ``note_<id>``), then the verdict, reasons, photos."""

    verdict = forms.ChoiceField(label=gettext_lazy("Verdict"), widget=forms.RadioSelect,
                                choices=InspectionReport.Verdict.choices)
    reasons = forms.CharField(label=gettext_lazy("Reasons (required when it fails)"), required=False,
                              max_length=inspections.REASONS_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    photos = MultipleImageField(label=gettext_lazy("Photos of what you received (1 to 9)"), required=False,
                                widget=MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        checks = {}
        for item in self.items:
            checks[f"item_{item.pk}"] = forms.ChoiceField(label=item.label, choices=OK_CHOICES,
                                                          widget=forms.RadioSelect)
            checks[f"note_{item.pk}"] = forms.CharField(
                label=gettext_lazy("Note"), required=False, max_length=inspections.NOTE_MAX,
                widget=forms.TextInput(attrs={"placeholder": _("What you saw (optional)"),
                                              "aria-label": _("What you saw (optional)")}))
        self.fields = {**checks, **self.fields}

    def rows(self):
        """(item, its ok/problem field, its note field) for the template."""
        return [(item, self[f"item_{item.pk}"], self[f"note_{item.pk}"]) for item in self.items]

    def answers(self) -> list[dict]:
        return [{"item_id": item.pk, "ok": self.cleaned_data[f"item_{item.pk}"] == "ok",
                 "note": self.cleaned_data.get(f"note_{item.pk}", "")} for item in self.items]


@require_GET
@promoter_page
def tasks(request: HttpRequest, promoter: Promoter) -> HttpResponse:
    """Open tasks of my community, soonest due first, and what my accepted reports have paid."""
    standing = inspections_selectors.inspector_standing(promoter)
    open_tasks = list(inspections_selectors.tasks_open_for(promoter)[:50]) if standing.allowed else []
    return render(request, "community/inspections/centre_tasks.html", {
        "standing": standing, "tasks": open_tasks, "earned": inspections_selectors.rewards_total(promoter),
        "forced_zone": inspections_selectors.promoter_forced_zone(promoter)})


@require_http_methods(["GET", "POST"])
@promoter_page
def task(request: HttpRequest, promoter: Promoter, task_id: int) -> HttpResponse:
    """A task: the product, and my report (the form, or what I filed)."""
    found = inspections_selectors.task_for_inspector(promoter, task_id)
    mine = inspections_selectors.report_of(promoter, found)
    form = ReportForm(request.POST or None, request.FILES or None,
                      items=inspections_selectors.checklist_items(found.product.category))
    if request.method == "POST" and mine is None and form.is_valid():
        try:
            inspections.inspection_report_file(
                user=request.user, task_id=found.pk, verdict=form.cleaned_data["verdict"],
                reasons=form.cleaned_data["reasons"], answers=form.answers(), photos=form.cleaned_data["photos"])
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Report filed: an operator will look at it."))
            return redirect("inspections_centre:mine")
    return render(request, "community/inspections/centre_task.html", {
        "task": found, "form": form, "mine": mine, "standing": inspections_selectors.inspector_standing(promoter),
        "images": list(found.product.images.all())}, status=400 if form.errors else 200)


@require_GET
@promoter_page
def mine(request: HttpRequest, promoter: Promoter) -> HttpResponse:
    """My reports, newest first, each with its decision and reward; the total paid at the top."""
    page = paginate(request, inspections_selectors.reports_of(promoter))
    return render(request, "community/inspections/centre_mine.html", {
        "page": page, "earned": inspections_selectors.rewards_total(promoter)})
