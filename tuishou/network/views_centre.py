"""The promoter centre's network pages (推广中心): the overview, my invite code and poster, my team, my rank and
its progress, my mentor and the mentor-switch request.

``promoter_page`` is what every ``/centre/`` view of every app is wrapped in: sign-in required; a person who is
not a promoter gets the page that explains how to become one; a domain "not found / not yours" is the 404 page.
"""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from tuishou.core.errors import DomainError, NotFound, PermissionDenied
from tuishou.core.pages import form_add_error, paginate
from tuishou.incentives.progress import rank_names, rank_progress
from tuishou.network import community_choice, selectors, services
from tuishou.network.models import Promoter
from tuishou.settlement.selectors import promoter_commission_summary, promoter_earnings
from tuishou.stores.poster import invite_poster_png


def promoter_page(view):
    """Wrap a centre view: ``view(request, promoter, …)`` for a signed-in promoter (see the module docstring)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            promoter = selectors.promoter_for_user(request.user)
        except NotFound:
            return render(request, "network/centre/not_promoter.html")
        request.user.promoter = promoter  # the navigation's role check reads it (accounts.user_roles): no second read
        try:
            return view(request, promoter, *args, **kwargs)
        except (NotFound, PermissionDenied) as exc:  # someone else's object answers like a missing one
            raise Http404(exc.code) from exc

    return wrapper


def signup_url(request: HttpRequest, promoter: Promoter) -> str:
    """The absolute sign-up URL with the promoter's invite code filled in (what the invite QR holds)."""
    return request.build_absolute_uri(f"/account/signup/?invite={promoter.invite_code}")


@require_GET
@promoter_page
def overview(request: HttpRequest, promoter: Promoter) -> HttpResponse:
    """可提现 at the top, then 待结算 and today's / this month's earnings, and the menu of every centre page."""
    names = rank_names(promoter.community_id)
    return render(request, "network/centre/overview.html", {
        "promoter": promoter, "summary": promoter_commission_summary(promoter),
        "earnings": promoter_earnings(promoter), "rank_name": names.get(promoter.rank, promoter.rank),
        "name": selectors.public_name(promoter.user.display_name, promoter.user.phone)})


@require_GET
@promoter_page
def invite(request: HttpRequest, promoter: Promoter) -> HttpResponse:
    """My invite code, the sign-up link that carries it, and the invite poster."""
    return render(request, "network/centre/invite.html", {"promoter": promoter,
                                                          "signup_url": signup_url(request, promoter)})


@require_GET
@promoter_page
def invite_poster(request: HttpRequest, promoter: Promoter) -> HttpResponse:
    """The invite poster as a PNG: the QR code opens the sign-up page with my code."""
    png = invite_poster_png(inviter_name=selectors.public_name(promoter.user.display_name, promoter.user.phone),
                            invite_code=promoter.invite_code, signup_url=signup_url(request, promoter))
    response = HttpResponse(png, content_type="image/png")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="invite-{promoter.invite_code}.png"'
    return response


@require_GET
@promoter_page
def team(request: HttpRequest, promoter: Promoter) -> HttpResponse:
    """My team: size by depth, members per rank, new members this month, and my direct downlines (paginated)."""
    month_start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    names = rank_names(promoter.community_id)
    page = paginate(request, selectors.direct_downlines_query(promoter))
    rows = [{"name": selectors.public_name(r["user__display_name"], r["user__phone"]),
             "rank": names.get(r["rank"], r["rank"]), "stage": r["stage"], "joined_at": r["created_at"],
             "new": r["created_at"] >= month_start} for r in page]
    by_depth = selectors.team_counts_by_depth(promoter)
    return render(request, "network/centre/team.html", {
        "page": page, "rows": rows, "by_depth": by_depth, "team_size": sum(d["count"] for d in by_depth),
        "new_this_month": selectors.team_joined_since(promoter, month_start),
        "by_rank": [{"rank": names.get(rank, rank) or _("Lowest rank"), "count": n}
                    for rank, n in selectors.team_rank_counts(promoter).items()]})


METRIC_LABELS = {
    "personal_volume": gettext_lazy("My sales volume"),
    "team_volume": gettext_lazy("Team sales volume"),
    "personal_orders": gettext_lazy("My own orders"),
    "direct_promoters": gettext_lazy("New direct promoters"),
    "active_directs": gettext_lazy("Active direct promoters"),
    "legs_at_rank": gettext_lazy("Lines with a member at this rank"),
    "bought": gettext_lazy("My own purchases"),
}
MONEY_METRICS = ("personal_volume", "team_volume", "bought")


@require_GET
@promoter_page
def rank(request: HttpRequest, promoter: Promoter) -> HttpResponse:
    """My rank and each requirement of the next one: what is measured, my value, the target, a progress bar."""
    progress = rank_progress(promoter)
    names = rank_names(promoter.community_id)
    groups = [[{"label": METRIC_LABELS.get(r.metric, r.metric), "money": r.metric in MONEY_METRICS,
                "days": r.days, "rank": names.get(r.rank, r.rank) if r.rank else "", "current": r.current,
                "target": r.target, "left": max(r.target - r.current, 0), "met": r.met, "percent": r.percent}
               for r in group] for group in progress.groups]
    return render(request, "network/centre/rank.html", {"progress": progress, "groups": groups})


class SwitchForm(forms.Form):
    to_mentor = forms.TypedChoiceField(label=gettext_lazy("New mentor"), coerce=int)
    reason = forms.CharField(label=gettext_lazy("Why do you want to switch?"), required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, mentors, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_mentor"].choices = [("", _("Choose a mentor"))] + [
            (m["id"], _("%(name)s (%(load)s members)") % {"name": m["display_name"], "load": m["load"]})
            for m in mentors]


@require_http_methods(["GET", "POST"])
@promoter_page
def mentor(request: HttpRequest, promoter: Promoter) -> HttpResponse:
    """My mentor, the switch policy, my switch requests, and (for a promoter placed under a mentor) the form."""
    policy = services.network_policy_get()
    current = selectors.mentor_of(promoter)
    mentors = [m for m in selectors.mentor_loads(active_only=True)
               if m["promoter_id"] not in (promoter.pk, promoter.sponsor_id)]
    can_switch = promoter.joined_via == Promoter.JoinedVia.PLACED
    form = SwitchForm(request.POST or None, mentors=mentors)
    if request.method == "POST" and can_switch and form.is_valid():
        try:
            switch = services.mentor_switch_request(promoter=promoter, to_mentor_id=form.cleaned_data["to_mentor"],
                                                    reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Your mentor has been switched.") if switch.status == "applied"
                             else _("Your request is waiting for the platform's approval."))
            return redirect(reverse("centre:mentor"))
    sponsor = promoter.sponsor
    return render(request, "network/centre/mentor.html", {
        "promoter": promoter, "policy": policy, "current": current, "can_switch": can_switch, "form": form,
        "sponsor_name": selectors.public_name(sponsor.user.display_name, sponsor.user.phone) if sponsor else "",
        "switches_left": max(policy.switch_max_count - promoter.switch_count, 0),
        "requests": [{"request": r, "to": _mentor_name(r.to_mentor), "from": _mentor_name(r.from_mentor)}
                     for r in selectors.switch_requests_of(promoter)]})


def _mentor_name(mentor) -> str:
    return selectors.public_name(mentor.promoter.user.display_name, mentor.promoter.user.phone) if mentor else "—"


class CommunityChoiceForm(forms.Form):
    community = forms.TypedChoiceField(label=gettext_lazy("Community"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, communities, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(c["id"], c["name"]) for c in communities]


@require_http_methods(["GET", "POST"])
@promoter_page
def community(request: HttpRequest, promoter: Promoter) -> HttpResponse:
    """选择社群: a temporary shopkeeper picks the community to join before the first sale; after it, the page only
    says which community they belong to."""
    choice = community_choice.communities_open_to_join(promoter)
    form = CommunityChoiceForm(request.POST or None, communities=choice.communities,
                               initial={"community": promoter.community_id})
    if request.method == "POST" and form.is_valid():
        try:
            chosen = community_choice.promoter_community_choose(promoter=promoter,
                                                                community_id=form.cleaned_data["community"])
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("You are now in %(name)s.") % {"name": chosen.community.name})
            return redirect(reverse("centre:community"))
    return render(request, "network/centre/community.html", {
        "promoter": promoter, "choice": choice, "form": form,
        "current": next((c for c in choice.communities if c["current"]), None)})

