"""The agency portal (/agency/, desk.html): the community's overview, its promoters and one promoter's place in
the tree, its mentors and their teams, and its growth over a date range.

``agency_page`` wraps every view: sign-in required; the community is the one chosen with ``?c=<id>`` (kept in
the session) or the person's first; whatever the selectors refuse — a community that is not theirs, another
community's promoter — is the 404 page, the same as a missing one.
"""

from __future__ import annotations

from datetime import timedelta
from functools import wraps

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from tuishou.core.errors import DomainError, NotFound, PermissionDenied
from tuishou.core.pages import form_add_error
from tuishou.incentives.progress import rank_names
from tuishou.network import charts, community_insight, selectors
from tuishou.network.listings import AgencyMentorListing, AgencyPromoterListing

SESSION_KEY = "agency_community_id"
GROWTH_DEFAULT_DAYS = 30


def agency_page(view):
    """Wrap an agency view: ``view(request, community_id, …)`` (see the module docstring)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        memberships = selectors.staff_communities(request.user)
        wanted = request.GET.get("c") or request.session.get(SESSION_KEY)
        if wanted is not None and not str(wanted).isdigit():
            raise Http404("network.community_not_found")
        community_id = int(wanted) if wanted is not None else (memberships[0]["id"] if memberships else None)
        request.agency_memberships = memberships
        try:
            response = view(request, community_id, *args, **kwargs)
        except (NotFound, PermissionDenied) as exc:
            request.session.pop(SESSION_KEY, None)
            raise Http404(exc.code) from exc
        if request.session.get(SESSION_KEY) != community_id:
            request.session[SESSION_KEY] = community_id
        return response

    return wrapper


def _context(request: HttpRequest, community, **extra) -> dict:
    return {"community": community, "memberships": request.agency_memberships, **extra}


@require_GET
@agency_page
def overview(request: HttpRequest, community_id: int) -> HttpResponse:
    """Promoters, active promoters, mentors, new this month, this month's sales, promoters per rank."""
    figures = community_insight.community_overview(user=request.user, community_id=community_id)
    names = rank_names(community_id)
    total = figures["promoters"] or 1
    lowest = next((rank_id for rank_id in names if rank_id), "")  # "" is the lowest rank until evaluated
    counts: dict[str, int] = {}
    for rank, n in figures["ranks"].items():
        counts[rank or lowest] = counts.get(rank or lowest, 0) + n
    order = {rank_id: i for i, rank_id in enumerate(names)}
    ranks = [{"id": rank, "name": names.get(rank, rank) or _("Lowest rank"), "count": n,
              "percent": round(100 * n / total)}
             for rank, n in sorted(counts.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))]
    return render(request, "network/agency/overview.html",
                  _context(request, figures["community"], figures=figures, ranks=ranks))


def _listing_page(request: HttpRequest, community_id: int, listing_class, template: str) -> HttpResponse:
    community = selectors.require_community_staff(request.user, community_id)
    listing = listing_class(request, community_id=community.pk, ranks=rank_names(community.pk))
    if listing.export_requested:
        return listing.export_response()
    return render(request, template, _context(request, community, listing=listing))


@require_GET
@agency_page
def promoters(request: HttpRequest, community_id: int) -> HttpResponse:
    """The community's promoters: search, rank and stage filters, sorting, pages, CSV."""
    return _listing_page(request, community_id, AgencyPromoterListing, "network/agency/promoters.html")


@require_GET
@agency_page
def promoter(request: HttpRequest, community_id: int, promoter_id: int) -> HttpResponse:
    """One promoter: their figures, team size per level, and their sponsor chain up to the head."""
    detail = community_insight.promoter_in_community(user=request.user, community_id=community_id,
                                                     promoter_id=promoter_id)
    names = rank_names(community_id)
    for link in detail["chain"]:
        link["rank_name"] = names.get(link["rank"], link["rank"])
    return render(request, "network/agency/promoter.html", _context(
        request, detail["community"], detail=detail,
        rank_name=names.get(detail["promoter"].rank, detail["promoter"].rank) or _("Lowest rank")))


@require_GET
@agency_page
def mentors(request: HttpRequest, community_id: int) -> HttpResponse:
    """The mentors (promoters who lead a team) with their direct members and team sizes."""
    return _listing_page(request, community_id, AgencyMentorListing, "network/agency/mentors.html")


class RangeForm(forms.Form):
    # The browser's date picker reads and writes ISO dates, whatever the page's language.
    start = forms.DateField(label=gettext_lazy("From"), input_formats=["%Y-%m-%d"],
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=gettext_lazy("To"), input_formats=["%Y-%m-%d"],
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


@require_GET
@agency_page
def growth(request: HttpRequest, community_id: int) -> HttpResponse:
    """New promoters per day and the community's size over a date range (default: the last 30 days), as SVG
    charts, and the teams that grew most."""
    today = timezone.localdate()
    data = request.GET if "start" in request.GET or "end" in request.GET else {
        "start": today - timedelta(days=GROWTH_DEFAULT_DAYS - 1), "end": today}
    form = RangeForm(data)
    result, community = None, selectors.require_community_staff(request.user, community_id)
    if form.is_valid():
        try:
            result = community_insight.community_growth(user=request.user, community_id=community_id,
                                                        start=form.cleaned_data["start"], end=form.cleaned_data["end"])
        except DomainError as exc:
            form_add_error(form, exc)
    chart_new = chart_size = ""
    if result is not None:
        labels = [f"{d['day']:%m-%d}" for d in result["days"]]
        chart_new = mark_safe(charts.responsive(  # built from numbers and escaped labels; wide and narrow
            charts.bar_chart, title=_("New promoters per day"), labels=labels,
            values=[d["new"] for d in result["days"]]))
        chart_size = mark_safe(charts.responsive(
            charts.line_chart, title=_("Promoters in the community"), labels=labels,
            values=[d["size"] for d in result["days"]]))
        names = rank_names(community_id)
        for leader in result["leaders"]:
            leader["rank_name"] = names.get(leader["rank"], leader["rank"]) or _("Lowest rank")
    return render(request, "network/agency/growth.html", _context(
        request, community, form=form, result=result, chart_new=chart_new, chart_size=chart_size))
