"""Campaign pages: the operators' list, new campaign, detail with figures by community and team (and its CSV) at
``/ops/campaigns/``; an agency's own community's figures at ``/agency/campaigns/``."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tuishou.campaigns import selectors, services
from tuishou.campaigns.forms import CampaignForm, EndForm
from tuishou.campaigns.listings import CampaignListing
from tuishou.campaigns.selectors import CampaignFigures
from tuishou.catalog.selectors import supply_pool
from tuishou.core.errors import DomainError
from tuishou.core.pages import desk_page, error_message, form_add_error


@desk_page
def ops_list(request: HttpRequest) -> HttpResponse:
    listing = CampaignListing(request)
    if listing.export_requested:
        return listing.export_response()
    listing.page  # noqa: B018 (refused here, as the 404 page, before the template renders)
    return render(request, "campaigns/desk/list.html", {"listing": listing})


@desk_page
def ops_new(request: HttpRequest) -> HttpResponse:
    selectors.campaigns_for_operator(user=request.user)  # operators only (else the 404 page)
    products = list(supply_pool().order_by("title")[:500])
    form = CampaignForm(request.POST or None, products=products)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Campaign saved as a draft: check it, then launch it to every community."))
            return redirect(f"/ops/campaigns/{campaign.pk}/")
    return render(request, "campaigns/desk/new.html", {"form": form})


def _csv(campaign, figures: CampaignFigures) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Community"), _("Team"), _("Clicks"), _("Orders"), _("Units"), _("GMV"), _("Commissions")])
    for community in figures.communities:
        writer.writerow([community.name, "", community.clicks, community.orders, community.units, community.gmv,
                         community.commissions])
        for team in community.teams:
            writer.writerow([community.name, team.name, team.clicks, team.orders, team.units, team.gmv,
                             team.commissions])
    total = figures.total
    writer.writerow([_("Total"), "", total.clicks, total.orders, total.units, total.gmv, total.commissions])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="campaign-{campaign.pk}-'
                                       f'{timezone.localdate():%Y%m%d}.csv"')
    return response


@desk_page
def ops_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign, figures = selectors.campaign_figures_for(user=request.user, campaign_id=campaign_id)
    if request.GET.get("export") == "csv":
        return _csv(campaign, figures)
    end_form = EndForm(request.POST if request.POST.get("action") == "end" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "launch":
                services.campaign_launch(actor=request.user, campaign_id=campaign.pk)
                messages.success(request, _("Launched: announced in every community, starter materials published, "
                                            "at the top of every supply pool for its window."))
                return redirect(request.path)
            if request.POST.get("action") == "end" and end_form.is_valid():
                services.campaign_end(actor=request.user, campaign_id=campaign.pk, **end_form.cleaned_data)
                messages.success(request, _("Campaign ended: the product sells at its normal price again."))
                return redirect(request.path)
        except DomainError as exc:
            if request.POST.get("action") == "end":
                form_add_error(end_form, exc)
            else:
                messages.error(request, error_message(exc))
    return render(request, "campaigns/desk/detail.html", {
        "campaign": campaign, "figures": figures, "end_form": end_form, "now": timezone.now(), "ops": True})


@desk_page
def agency_list(request: HttpRequest) -> HttpResponse:
    community, rows = selectors.campaigns_for_agency(user=request.user,
                                                     community_id=_int(request.GET.get("community")))
    campaigns = list(rows[:100])
    return render(request, "campaigns/desk/agency_list.html", {
        "community": community, "campaigns": campaigns, "now": timezone.now()})


@desk_page
def agency_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    community, _rows = selectors.campaigns_for_agency(user=request.user,
                                                      community_id=_int(request.GET.get("community")))
    campaign, figures = selectors.campaign_figures_for(user=request.user, campaign_id=campaign_id,
                                                       community_id=community.pk)
    if request.GET.get("export") == "csv":
        return _csv(campaign, figures)
    return render(request, "campaigns/desk/detail.html", {
        "campaign": campaign, "figures": figures, "now": timezone.now(), "ops": False, "community": community})


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
