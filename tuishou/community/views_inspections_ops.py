"""The operators' desk of the inspected zone (验货, ``/ops/inspections/``): the tasks (search, filters, sort, CSV),
opening a task, a task's reports to accept or reject, the review queue of failing reports (dismiss, or uphold:
the product leaves the shelf), and the checklists and each community's settings.

Ops operators (and admins) only: the selectors and services check the role; anyone else gets the 404 page.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuishou.catalog.selectors import supply_pool
from tuishou.community import inspections, inspections_selectors
from tuishou.community.inspections_listings import TaskListing
from tuishou.core.errors import DomainError
from tuishou.core.pages import desk_page, error_message, form_add_error
from tuishou.network.models import Community


class TaskForm(forms.Form):
    product_id = forms.TypedChoiceField(label=pgettext_lazy("goods", "Product"), coerce=int)
    community_id = forms.TypedChoiceField(label=gettext_lazy("Community"), coerce=int)
    due_at = forms.DateTimeField(label=gettext_lazy("Due"),
                                 widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    note = forms.CharField(label=gettext_lazy("Note to inspectors"), required=False, max_length=inspections.NOTE_MAX)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_id"].choices = [
            (p.pk, f"{p.title} · {p.merchant.name}{' ✅' if p.inspected else ''}")
            for p in supply_pool().order_by("title", "pk")[:500]]
        self.fields["community_id"].choices = list(Community.objects.filter(active=True).values_list("pk", "name"))


class SettingsForm(forms.Form):
    inspector_rank = forms.ChoiceField(label=gettext_lazy("Lowest inspector rank"), required=False)
    passes_required = forms.IntegerField(label=gettext_lazy("Passing reports required"),
                                         min_value=1, max_value=inspections.PASSES_MAX)
    reward = forms.DecimalField(label=gettext_lazy("Reward per accepted report (yuan)"), min_value=0,
                                max_digits=8, decimal_places=2)
    all_zones_rank = forms.ChoiceField(label=gettext_lazy("Lowest rank that sees every zone"), required=False,
                                       help_text=gettext_lazy("Promoters below it see and pick inspected goods only."))

    def __init__(self, *args, ranks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspector_rank"].choices = [("", _("Every promoter")), *ranks]
        self.fields["all_zones_rank"].choices = [("", _("Everyone sees every zone")), *ranks]


@require_GET
@desk_page
def tasks(request: HttpRequest) -> HttpResponse:
    listing = TaskListing(request)
    if listing.export_requested:
        return listing.export_response()
    return render(request, "community/inspections/ops_tasks.html", {
        "listing": listing, "waiting_review": inspections_selectors.review_queue(user=request.user).count()})


@require_http_methods(["GET", "POST"])
@desk_page
def task_new(request: HttpRequest) -> HttpResponse:
    inspections_selectors.tasks_for_operator(user=request.user)  # the role check, before the form is built
    initial = {"due_at": (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
               "product_id": request.GET.get("product")}
    form = TaskForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            task = inspections.inspection_task_open(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Task opened: the community's inspectors see it now."))
            return redirect("ops_inspections:task", task_id=task.pk)
    return render(request, "community/inspections/ops_task_new.html", {"form": form},
                  status=400 if form.errors else 200)


@require_GET
@desk_page
def task(request: HttpRequest, task_id: int) -> HttpResponse:
    found, reports = inspections_selectors.task_reports(user=request.user, task_id=task_id)
    return render(request, "community/inspections/ops_task.html", {
        "task": found, "reports": reports, "settings": inspections_selectors.inspection_settings_of(found.community_id),
        "summary": inspections_selectors.product_inspection_summary(found.product_id)})


@require_POST
@desk_page
def task_close(request: HttpRequest, task_id: int) -> HttpResponse:
    try:
        inspections.inspection_task_close(actor=request.user, task_id=task_id, reason=request.POST.get("reason", ""))
        messages.success(request, _("Task closed."))
    except DomainError as exc:
        if exc.code in ("community.inspection_task_unknown", "auth.forbidden"):
            raise
        messages.error(request, error_message(exc))
    return redirect("ops_inspections:task", task_id=task_id)


REPORT_ACTIONS = {"accept", "reject", "dismiss", "uphold"}


@require_POST
@desk_page
def report_act(request: HttpRequest, report_id: int, action: str) -> HttpResponse:
    """Accept / reject a report, or dismiss / uphold its failure; back where the operator came from."""
    if action not in REPORT_ACTIONS:
        raise Http404(action)
    report = inspections_selectors.report_get(user=request.user, report_id=report_id)
    reason = request.POST.get("reason", "")
    try:
        if action in ("accept", "reject"):
            inspections.inspection_report_decide(actor=request.user, report_id=report.pk, accept=action == "accept",
                                                 reason=reason)
        else:
            inspections.inspection_review_resolve(actor=request.user, report_id=report.pk,
                                                  uphold=action == "uphold", reason=reason)
    except DomainError as exc:
        messages.error(request, error_message(exc))
    else:
        messages.success(request, {"accept": _("Report accepted: the reward is paid."),
                                   "reject": _("Report rejected."),
                                   "dismiss": _("Failure dismissed: the badge was evaluated again."),
                                   "uphold": _("Failure upheld: the product is off the shelf.")}[action])
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/ops/inspections/") else f"/ops/inspections/{report.task_id}/")


@require_GET
@desk_page
def reviews(request: HttpRequest) -> HttpResponse:
    queue = list(inspections_selectors.review_queue(user=request.user)[:100])
    return render(request, "community/inspections/ops_reviews.html", {"reports": queue})


@require_http_methods(["GET", "POST"])
@desk_page
def settings(request: HttpRequest) -> HttpResponse:
    """Each community's settings (one form each) and the checklists with their items."""
    rows = inspections_selectors.inspection_settings_all(user=request.user)
    chosen = request.POST.get("community") if request.method == "POST" else None
    forms_by_community, status = [], 200
    for community, current, ranks in rows:
        posted = str(community.pk) == chosen
        form = SettingsForm(request.POST if posted else None, ranks=ranks, prefix=f"c{community.pk}", initial={
            "inspector_rank": current.inspector_rank, "passes_required": current.passes_required,
            "reward": current.reward, "all_zones_rank": current.all_zones_rank})
        if posted and form.is_valid():
            try:
                inspections.inspection_settings_set(actor=request.user, community_id=community.pk, **form.cleaned_data)
            except DomainError as exc:
                form_add_error(form, exc)
            else:
                messages.success(request, _("Settings of %(community)s saved.") % {"community": community.name})
                return redirect("ops_inspections:settings")
        if posted:
            status = 400
        forms_by_community.append((community, form, bool(current.pk)))
    return render(request, "community/inspections/ops_settings.html", {
        "rows": forms_by_community, "checklists": inspections_selectors.checklists_all(user=request.user)},
        status=status)


CHECKLIST_ACTIONS = {"create", "add", "retire", "restore"}


@require_POST
@desk_page
def checklist_act(request: HttpRequest, action: str) -> HttpResponse:
    """Create a checklist, add an item, retire or restore one; refusals are shown on the settings page."""
    if action not in CHECKLIST_ACTIONS:
        raise Http404(action)
    post = request.POST
    number = lambda name: int(post[name]) if post.get(name, "").isdigit() and len(post[name]) < 12 else 0  # noqa: E731
    try:
        if action == "create":
            inspections.checklist_create(actor=request.user, category=post.get("category", ""),
                                         name=post.get("name", ""))
        elif action == "add":
            inspections.checklist_item_add(actor=request.user, checklist_id=number("checklist"),
                                           label=post.get("label", ""))
        else:
            inspections.checklist_item_active_set(actor=request.user, item_id=number("item"),
                                                  active=action == "restore")
        messages.success(request, _("Checklist saved."))
    except DomainError as exc:
        if exc.code == "auth.forbidden":
            raise
        messages.error(request, error_message(exc))
    return redirect("ops_inspections:settings")
