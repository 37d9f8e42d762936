"""The operators' promoter pages (运营 · 推手管理): ``/ops/promoters/`` (search, filters, sorting, pages, CSV) and
``/ops/promoters/<id>/`` (the promoter's file and the actions: freeze / unfreeze, a rank set by hand and its
clearing, the invite code disabled / re-enabled, each with a reason).

Every operator role reads; the services let only ``ops`` and ``admin`` act (others see the file without the
forms, and a forged POST gets the service's refusal beside the form). A person who is not an operator, or a
promoter id that does not exist, gets the 404 page. The page composes the network's file with the wallet
(wallets) and the plan's rank names (incentives): an entry point, like the promoter centre's pages.
"""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from tuishou.core.errors import DomainError, NotAuthenticated, NotFound, PermissionDenied
from tuishou.core.pages import form_add_error
from tuishou.incentives import rank_override
from tuishou.incentives.progress import rank_names_in_force
from tuishou.network import operator_actions, ops_selectors
from tuishou.network.listings import OpsPromoterListing
from tuishou.wallets.selectors import wallet_get


def operator_page(view):
    """Sign-in required; a non-operator, or an unknown promoter, answers the 404 page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (NotFound, PermissionDenied, NotAuthenticated) as exc:
            raise Http404(exc.code) from exc

    return wrapper


@require_GET
@operator_page
def promoters(request: HttpRequest) -> HttpResponse:
    """Every promoter: search by phone, name or invite code; filter by community, rank, frozen; sort; CSV."""
    # each community's rank names under its plan in force: the list shows 店主, not ``shopkeeper``
    listing = OpsPromoterListing(request, ranks={str(k): v for k, v in rank_names_in_force().items()})
    if listing.export_requested:
        return listing.export_response()
    listing.page  # noqa: B018 (reads the page here, so that a non-operator gets the 404 before rendering)
    return render(request, "network/ops/promoters.html", {"listing": listing})


REASON_WIDGET = forms.Textarea(attrs={"rows": 2, "maxlength": operator_actions.REASON_MAX})


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=operator_actions.REASON_MAX,
                             widget=REASON_WIDGET, required=False)  # the service says when it is missing


class RankForm(ReasonForm):
    # Any text reaches the service, which checks it against the plan in force (``incentives.rank_unknown``); the
    # page fills the select's options from the plan.
    rank = forms.CharField(label=gettext_lazy("Rank"), max_length=32, required=False, widget=forms.Select)

    field_order = ["rank", "reason"]


# action → (form class, the service call with the form's cleaned data, the message on success)
ACTIONS = {
    "freeze": (ReasonForm, lambda actor, pk, data: operator_actions.promoter_freeze(
        actor=actor, promoter_id=pk, reason=data["reason"]), gettext_lazy("The promoter is frozen.")),
    "unfreeze": (ReasonForm, lambda actor, pk, data: operator_actions.promoter_unfreeze(
        actor=actor, promoter_id=pk, reason=data["reason"]), gettext_lazy("The promoter is unfrozen.")),
    "rank": (RankForm, lambda actor, pk, data: rank_override.promoter_rank_override_set(
        actor=actor, promoter_id=pk, rank=data["rank"], reason=data["reason"]),
        gettext_lazy("The rank is set by hand; the evaluation keeps it until the override is cleared.")),
    "rank-clear": (ReasonForm, lambda actor, pk, data: rank_override.promoter_rank_override_clear(
        actor=actor, promoter_id=pk, reason=data["reason"]),
        gettext_lazy("The override is cleared; the next evaluation decides the rank.")),
    "invite-disable": (ReasonForm, lambda actor, pk, data: operator_actions.promoter_invite_code_set_active(
        actor=actor, promoter_id=pk, active=False, reason=data["reason"]),
        gettext_lazy("The invite code is disabled.")),
    "invite-enable": (ReasonForm, lambda actor, pk, data: operator_actions.promoter_invite_code_set_active(
        actor=actor, promoter_id=pk, active=True, reason=data["reason"]),
        gettext_lazy("The invite code is in use again.")),
}


AUDIT_LABELS = {
    "network.promoter_frozen": gettext_lazy("Frozen"),
    "network.promoter_unfrozen": gettext_lazy("Unfrozen"),
    "network.rank_set": gettext_lazy("Rank set by hand"),
    "network.rank_override_cleared": gettext_lazy("Rank override cleared"),
    "network.invite_code_disabled": gettext_lazy("Invite code disabled"),
    "network.invite_code_enabled": gettext_lazy("Invite code enabled"),
    "network.sponsor_corrected": gettext_lazy("Sponsor corrected"),
    "network.root_created": gettext_lazy("Created as the root of a tree"),
}


def _form(action: str, data=None) -> forms.Form:
    return ACTIONS[action][0](data, prefix=action)


def _file_page(request: HttpRequest, promoter_id: int, *, bound: forms.Form | None = None,
               bound_action: str = "", status: int = 200) -> HttpResponse:
    file = ops_selectors.promoter_file(actor=request.user, promoter_id=promoter_id)
    promoter = file.promoter
    ranks = rank_override.community_rank_choices(community_id=promoter.community_id)
    names = dict(ranks)
    if ranks:  # the lowest rank is stored as "" until an evaluation names it: it reads as the plan's first rank
        names.setdefault("", ranks[0][1])
    forms_by_action = {action: bound if action == bound_action else _form(action) for action in ACTIONS}
    forms_by_action["rank"].fields["rank"].widget.choices = [("", _("Choose a rank")), *ranks]
    for entry in file.audit:
        entry.label = AUDIT_LABELS.get(entry.action, entry.action)
    history = [{"record": r, "from": names.get(r.previous_rank, r.previous_rank), "to": names.get(r.rank, r.rank)}
               for r in file.rank_history]
    return render(request, "network/ops/promoter.html", {
        "file": file, "promoter": promoter, "wallet": wallet_get(promoter), "history": history,
        "forms": {action.replace("-", "_"): form for action, form in forms_by_action.items()},
        "rank_name": names.get(promoter.rank, promoter.rank), "open_action": bound_action,
    }, status=status)


@require_GET
@operator_page
def promoter(request: HttpRequest, promoter_id: int) -> HttpResponse:
    """One promoter's file: profile, sponsor chain, team, wallet, rank history, audit trail, the action forms."""
    return _file_page(request, promoter_id)


@require_POST
@operator_page
def promoter_act(request: HttpRequest, promoter_id: int, action: str) -> HttpResponse:
    """One action from the file's forms; a refusal comes back beside the form, with what was typed."""
    if action not in ACTIONS:
        raise Http404(action)
    form = _form(action, request.POST)
    if form.is_valid():
        try:
            ACTIONS[action][1](request.user, promoter_id, form.cleaned_data)
        except NotFound:
            raise
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, ACTIONS[action][2])
            return redirect("ops_promoters:promoter", promoter_id=promoter_id)
    return _file_page(request, promoter_id, bound=form, bound_action=action, status=400)
