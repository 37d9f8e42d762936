"""Materials reward periods at the operators' desk (/ops/materials/rewards/: list, new, a period with its split,
fund, settle, cancel, CSV of the lines) and an author's rewards in the promoter centre
(/centre/materials/rewards/)."""

from __future__ import annotations

import csv
import io

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from tuishou.community import rewards, rewards_selectors
from tuishou.community.listings_rewards import RewardPeriodListing, scope_label
from tuishou.community.models_rewards import RewardLine
from tuishou.core.errors import DomainError, NotFound, PermissionDenied
from tuishou.core.pages import desk_page, error_message, form_add_error
from tuishou.network.models import Community, Promoter
from tuishou.network.views_centre import promoter_page

EXCLUDED = dict(RewardLine.Excluded.choices)


class PeriodForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("reward period", "Title"), max_length=rewards.TITLE_MAX)
    community = forms.TypedChoiceField(label=gettext_lazy("Scope"), coerce=int, required=False, empty_value=None)
    starts_on = forms.DateField(label=gettext_lazy("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=gettext_lazy("Ends on (inclusive)"),
                              widget=forms.DateInput(attrs={"type": "date"}))
    pool = forms.DecimalField(label=gettext_lazy("Pool (yuan)"), max_digits=12, decimal_places=2)
    cap_share = forms.DecimalField(label=gettext_lazy("Cap per author (share of the pool, e.g. 0.3)"),
                                   max_digits=4, decimal_places=3, initial="0.3")
    min_rating = forms.DecimalField(label=gettext_lazy("Minimum average rating"), max_digits=3, decimal_places=2,
                                    initial="3.5")
    min_ratings = forms.IntegerField(label=gettext_lazy("Minimum number of ratings"), initial=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", _("Platform-wide"))] + [
            (c.pk, c.name) for c in Community.objects.filter(active=True).order_by("name")]


class CancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))


@require_GET
@desk_page
def period_list(request: HttpRequest) -> HttpResponse:
    listing = RewardPeriodListing(request)
    listing.rows()  # operators only: refused (404) before anything is counted
    if listing.export_requested:
        return listing.export_response()
    return render(request, "community/ops/reward_periods.html", {"listing": listing})


@require_http_methods(["GET", "POST"])
@desk_page
def period_new(request: HttpRequest) -> HttpResponse:
    rewards_selectors.reward_periods_query(actor=request.user)  # operators only
    today = timezone.localdate()
    first = today.replace(day=1)
    form = PeriodForm(request.POST or None, initial={"starts_on": first, "ends_on": today})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            period = rewards.reward_period_create(
                actor=request.user, title=data["title"], community_id=data["community"],
                starts_on=data["starts_on"], ends_on=data["ends_on"], pool=data["pool"],
                cap_share=data["cap_share"], min_rating=data["min_rating"], min_ratings=data["min_ratings"])
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Period drafted: fund its pool to open it."))
            return redirect("ops-rewards:detail", period_id=period.pk)
    return render(request, "community/ops/reward_period_new.html", {"form": form})


def _lines_csv(preview, names) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Author"), _("Citation-led orders"), _("Weight"), _("Average rating"), _("Ratings"),
                     _("Left out because"), _("At the cap"), _("Amount")])
    for line in preview.lines:
        name = names.get(line.author_id, "")
        writer.writerow(["'" + name if name[:1] in "=+-@" else name, line.orders, line.weight,
                         "" if line.rating is None else line.rating, line.ratings,
                         EXCLUDED.get(line.excluded, line.excluded) if line.excluded else "",
                         "1" if line.capped else "0", line.amount])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="materials-rewards-{preview.period.pk}.csv"'
    return response


@require_http_methods(["GET", "POST"])
@desk_page
def period_detail(request: HttpRequest, period_id: int) -> HttpResponse:
    """A period: its terms, the split (preview, or what was paid), its history; fund, settle or cancel."""
    cancel = CancelForm(request.POST if request.POST.get("action") == "cancel" else None)
    action_error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "fund":
                rewards.reward_period_fund(actor=request.user, period_id=period_id)
                messages.success(request, _("Funded: the pool is set aside for this period."))
            elif action == "settle":
                rewards.reward_period_settle(actor=request.user, period_id=period_id)
                messages.success(request, _("Paid: the rewards are in the authors' wallets."))
            elif action == "cancel" and cancel.is_valid():
                rewards.reward_period_cancel(actor=request.user, period_id=period_id,
                                             reason=cancel.cleaned_data["reason"])
                messages.success(request, _("Cancelled."))
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            if action == "cancel":
                form_add_error(cancel, exc)
            else:
                action_error = error_message(exc)
        else:
            if action in ("fund", "settle") or (action == "cancel" and not cancel.errors):
                return redirect("ops-rewards:detail", period_id=period_id)
    preview = rewards.reward_period_preview(actor=request.user, period_id=period_id)
    names = rewards_selectors.author_names(line.author_id for line in preview.lines)
    if request.GET.get("export") == "csv":
        return _lines_csv(preview, names)
    period = rewards_selectors.reward_period_get(actor=request.user, period_id=period_id)
    lines = [{"line": line, "name": names.get(line.author_id, ""),
              "excluded": EXCLUDED.get(line.excluded, "") if line.excluded else ""} for line in preview.lines]
    statuses = dict(period.Status.choices)
    return render(request, "community/ops/reward_period.html", {
        "period": period, "preview": preview, "lines": lines, "scope": scope_label(period), "cancel": cancel,
        "action_error": action_error, "ended": timezone.localdate() > period.ends_on,
        "history": [{"at": h.created_at, "actor": h.actor, "reason": h.reason,
                     "from": statuses.get(h.from_status, h.from_status), "to": statuses.get(h.to_status)}
                    for h in period.status_changes.all()]})


@require_GET
@promoter_page
def my_rewards(request: HttpRequest, promoter: Promoter) -> HttpResponse:
    lines = list(rewards_selectors.rewards_of(promoter.pk)[:50])
    return render(request, "community/centre/rewards_mine.html", {
        "rows": [{"line": line, "excluded": EXCLUDED.get(line.excluded, "") if line.excluded else ""}
                 for line in lines],
        "total": sum((line.amount for line in lines), rewards.ZERO)})
