"""Operations' withdrawal review (提现审核): finance works through promoters' and merchants' withdrawals (a desk
list with search, filters, sorting, pages, CSV) and approves or rejects each with a reason, through the wallets'
services (audited; the payout starts after an approval); and the payout incidents (出款异常) the provider's
contradicting reports raised, each settled with a resolution and a note (``wallets.incidents``, audited)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from tuishou.core.errors import DomainError, NotFound, PermissionDenied
from tuishou.core.pages import desk_page, form_add_error
from tuishou.wallets import incidents, selectors, services
from tuishou.wallets.listings import STATUS_LABELS, FinanceWithdrawalListing, payee_label, status_label
from tuishou.wallets.models import PayoutIncident


class RejectForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason (the payee reads it)"), max_length=200,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": gettext_lazy("Say why it is rejected: the payee reads it.")})


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")], widget=forms.HiddenInput)




@require_GET
@desk_page
def withdrawal_list(request: HttpRequest) -> HttpResponse:
    """The queue: withdrawals under review by default, oldest first; every status, payee type and sort."""
    listing = FinanceWithdrawalListing(request)
    listing.rows()  # finance only: refused here, before anything is counted
    if listing.export_requested:
        return listing.export_response()
    open_incidents = selectors.payout_incidents_for_finance(actor=request.user, status="open").count()
    return render(request, "wallets/ops/withdrawals.html", {"listing": listing, "open_incidents": open_incidents})


@require_http_methods(["GET", "POST"])
@desk_page
def withdrawal_review(request: HttpRequest, withdrawal_id: int) -> HttpResponse:
    """One withdrawal: who, how much, to where, its history; approve, or reject with a reason (beside the field)."""
    review = ReviewForm(request.POST or None)
    reject = RejectForm(request.POST if request.POST.get("decision") == "reject" else None)
    if request.method == "POST" and review.is_valid():
        decision = review.cleaned_data["decision"]
        try:
            if decision == "approve":
                services.withdrawal_approve(actor=request.user, withdrawal_id=withdrawal_id)
            elif reject.is_valid():
                services.withdrawal_reject(actor=request.user, withdrawal_id=withdrawal_id,
                                           reason=reject.cleaned_data["reason"])
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            form_add_error(reject if decision == "reject" else review, exc)
        else:
            if decision == "approve" or not reject.errors:
                messages.success(request, _("Approved: the payout has started.") if decision == "approve"
                                 else _("Rejected: the amount is back in the payee's balance."))
                return redirect("ops-withdrawals:review", withdrawal_id=withdrawal_id)
    withdrawal = selectors.withdrawal_review_get(actor=request.user, withdrawal_id=withdrawal_id)
    return render(request, "wallets/ops/withdrawal.html", {
        "w": withdrawal, "payee": payee_label(withdrawal), "status": status_label(withdrawal),
        "history": [{"created_at": h.created_at, "actor": h.actor, "reason": h.reason,
                     "from_label": STATUS_LABELS.get(h.from_status, h.from_status),
                     "to_label": STATUS_LABELS.get(h.to_status, h.to_status)} for h in withdrawal.status_changes.all()],
        "review": review, "reject": reject})


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(label=gettext_lazy("Resolution"), choices=PayoutIncident.Resolution.choices)
    note = forms.CharField(label=gettext_lazy("What you checked with the provider"), max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        if allowed:
            self.fields["resolution"].choices = [c for c in PayoutIncident.Resolution.choices if c[0] in allowed]


@require_GET
@desk_page
def incident_list(request: HttpRequest) -> HttpResponse:
    """Finance's queue of payout incidents: the open ones, oldest first (``?status=all`` for every one)."""
    status = "all" if request.GET.get("status") == "all" else "open"
    rows = list(selectors.payout_incidents_for_finance(actor=request.user, status=status)[:200])
    return render(request, "wallets/ops/incidents.html", {"incidents": rows, "status": status})


@require_http_methods(["GET", "POST"])
@desk_page
def incident_review(request: HttpRequest, incident_id: int) -> HttpResponse:
    """One incident: the withdrawal, every report the provider made about it, and the resolution form."""
    incident = selectors.payout_incident_get(actor=request.user, incident_id=incident_id)
    allowed = incidents.RESOLUTIONS[incident.kind, incident.shortfall > 0]
    form = ResolveForm(request.POST or None, allowed=allowed)
    if request.method == "POST" and form.is_valid():
        try:
            incidents.payout_incident_resolve(actor=request.user, incident_id=incident_id,
                                              resolution=form.cleaned_data["resolution"],
                                              note=form.cleaned_data["note"])
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("The incident is resolved."))
            return redirect("ops-withdrawals:incident", incident_id=incident_id)
    return render(request, "wallets/ops/incident.html", {
        "incident": incident, "w": incident.withdrawal, "payee": payee_label(incident.withdrawal),
        "reports": list(incident.withdrawal.provider_reports.all()), "form": form})
