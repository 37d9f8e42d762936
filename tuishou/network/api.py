"""The network's API (`/api/v1/network/`): sign-up with an invite code, my profile and team, mentor
switches; for operators, sponsor corrections and switch decisions. Routes validate and call services."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field as SchemaField
from ninja import Query, Router, Schema, Status

from tuishou.accounts.permissions import Role, require_operator
from tuishou.accounts.services import api_token_issue
from tuishou.core.api_roles import ANONYMOUS, CONSUMER, OPS, PROMOTER, allowed
from tuishou.core.visitors import client_ip, visitor_key
from tuishou.network import community_choice, promotion, selectors, services
from tuishou.network.models import MentorSwitchRequest, Promoter, PromoterApplication
from tuishou.network.schemas import (
    ApplicationDecisionIn,
    BecomeIn,
    BecomeOut,
    InviteCodeOut,
    MentorOut,
    ProfileOut,
    PromotionOut,
    SponsorCorrectionIn,
    SwitchDecisionIn,
    SwitchIn,
    SwitchOut,
    TeamOut,
)
from tuishou.network.schemas import (
    PromoterApplicationOut as ApplicationOut,
)
from tuishou.network.schemas import (
    PromoterSignupIn as SignupIn,
)
from tuishou.network.schemas import (
    PromoterSignupOut as SignupOut,
)
from tuishou.network.schemas_agency import ChoiceOut, ChooseIn
from tuishou.network.signup import promoter_signup_verified

router = Router(tags=["network"])


def _profile(promoter: Promoter) -> dict:
    sponsor = promoter.sponsor
    user = promoter.user
    return {
        "id": promoter.pk, "display_name": selectors.public_name(user.display_name, user.phone),
        "invite_code": promoter.invite_code, "invite_code_active": promoter.invite_code_active,
        "sponsor": None if sponsor is None else {
            "id": sponsor.pk, "display_name": selectors.public_name(sponsor.user.display_name, sponsor.user.phone)},
        "stage": promoter.stage, "rank": promoter.rank,
        "community": {"code": promoter.community.code, "name": promoter.community.name,
                      "kind": promoter.community.kind},
        "joined_via": promoter.joined_via, "depth": promoter.depth, "paid_sales_count": promoter.paid_sales_count,
        "switch_count": promoter.switch_count, "created_at": promoter.created_at,
    }


def _switch(switch: MentorSwitchRequest) -> dict:
    return {"id": switch.pk, "promoter_id": switch.promoter_id, "from_mentor_id": switch.from_mentor_id,
            "to_mentor_id": switch.to_mentor_id, "status": switch.status, "reason": switch.reason,
            "created_at": switch.created_at, "decided_at": switch.decided_at,
            "decision_reason": switch.decision_reason}


@router.post("/signup", auth=None, response={201: SignupOut}, openapi_extra=allowed(ANONYMOUS))
def signup(request: HttpRequest, payload: SignupIn):
    """Register as a promoter with an invite code (or without, where the platform allows it); returns a token.
    The phone number is proven by the code sent to it (``POST /auth/signup/code``). Share-link visits made
    earlier in this browser (the visitor cookie) are claimed for the new account.

    Errors: 400 ``accounts.phone_code_invalid`` (a wrong, expired or used-up code, or a number that cannot sign
    up: one answer, so that registered numbers are not revealed), 429 ``accounts.signup_throttled``, and those of
    the invite code and the promotion policy."""
    promoter = promoter_signup_verified(phone=payload.phone, code=payload.code, ip=client_ip(request),
                                        password=payload.password, invite_code=payload.invite_code,
                                        display_name=payload.display_name, community_code=payload.community_code,
                                        visitor_key=visitor_key(request))
    issued = api_token_issue(user=promoter.user, label="signup")
    return Status(201, {"token": issued.token, "promoter": _profile(selectors.promoter_for_user(promoter.user))})


def _application(application: PromoterApplication | None) -> dict | None:
    if application is None:
        return None
    return {"id": application.pk, "user_id": application.user_id, "status": application.status,
            "invite_code": application.invite_code, "reason": application.reason,
            "created_at": application.created_at, "decided_at": application.decided_at,
            "decision_reason": application.decision_reason}


@router.get("/me/promotion", response=PromotionOut, openapi_extra=allowed(CONSUMER))
def my_promotion(request: HttpRequest):
    """Whether I may become a promoter under the platform's promotion policy, and what is left to do."""
    standing = promotion.promotion_standing(user=request.user)
    return {"mode": standing.mode, "action": standing.action, "spent": str(standing.spent),
            "required": None if standing.required is None else str(standing.required),
            "application": _application(standing.application)}


@router.post("/me/promotion", response={201: BecomeOut}, openapi_extra=allowed(CONSUMER))
def my_promotion_become(request: HttpRequest, payload: BecomeIn):
    """Become a promoter from my consumer account under the promotion policy: at once (``promoter``), or by an
    ``application`` that waits for review or for a qualifying purchase.

    Errors: 409 ``network.already_promoter`` | ``network.application_pending``, 400 ``network.purchase_required``
    | ``network.invite_code_required`` | ``network.invite_code_disabled``, 404 ``network.invite_code_unknown``."""
    becoming = promotion.promoter_become(user=request.user, invite_code=payload.invite_code, reason=payload.reason)
    promoter = selectors.promoter_for_user(request.user) if becoming.promoter else None
    return Status(201, {"promoter": _profile(promoter) if promoter else None,
                        "application": _application(becoming.application)})


@router.get("/invite-codes/{code}", auth=None, response=InviteCodeOut, openapi_extra=allowed(ANONYMOUS))
def invite_code_lookup(request: HttpRequest, code: str):
    """Whose invite code this is (display name and community), to confirm before signing up."""
    return selectors.invite_code_lookup(code)


@router.get("/me", response=ProfileOut, openapi_extra=allowed(PROMOTER))
def my_profile(request: HttpRequest):
    """My promoter profile: invite code, sponsor, stage, rank, community."""
    return _profile(selectors.promoter_for_user(request.user))


@router.post("/me/invite-code", response=ProfileOut, openapi_extra=allowed(PROMOTER))
def my_invite_code_regenerate(request: HttpRequest):
    """Replace my invite code with a fresh one."""
    promoter = selectors.promoter_for_user(request.user)
    services.invite_code_regenerate(promoter=promoter)
    return _profile(promoter)


class TeamQuery(Schema):
    limit: int = SchemaField(20, ge=1, le=100)
    offset: int = SchemaField(0, ge=0)


@router.get("/me/team", response=TeamOut, openapi_extra=allowed(PROMOTER))
def my_team(request: HttpRequest, query: Query[TeamQuery]):
    """My team: direct downlines (one page), team size at every depth, and counts per level."""
    promoter = selectors.promoter_for_user(request.user)
    return {"team_size": selectors.team_size(promoter),
            "direct_count": selectors.direct_downline_count(promoter),
            "counts_by_depth": selectors.team_counts_by_depth(promoter),
            "downlines": selectors.direct_downlines(promoter, limit=query.limit, offset=query.offset),
            "limit": query.limit, "offset": query.offset}


@router.get("/mentors", response=list[MentorOut], openapi_extra=allowed(CONSUMER))
def mentors(request: HttpRequest):
    """The official community's active mentors and their loads, to choose from when switching."""
    return selectors.mentor_loads(active_only=True)


@router.post("/me/mentor-switch", response={201: SwitchOut}, openapi_extra=allowed(PROMOTER))
def my_mentor_switch(request: HttpRequest, payload: SwitchIn):
    """Ask to move to another mentor with my whole team (applied at once unless approval is required)."""
    promoter = selectors.promoter_for_user(request.user)
    switch = services.mentor_switch_request(promoter=promoter, to_mentor_id=payload.to_mentor_id,
                                            reason=payload.reason)
    return Status(201, _switch(switch))


# --- operators ---------------------------------------------------------------------------------

@router.post("/operator/promoters/{promoter_id}/sponsor", response=ProfileOut, openapi_extra=allowed(OPS))
def operator_sponsor_correct(request: HttpRequest, promoter_id: int, payload: SponsorCorrectionIn):
    """Correct a promoter's sponsor (the whole team moves along); audited."""
    require_operator(request.user, Role.OPS)
    promoter = selectors.promoter_get(promoter_id)
    new_sponsor = selectors.promoter_get(payload.new_sponsor_id)
    services.sponsor_correct(actor=request.user, promoter=promoter, new_sponsor=new_sponsor, reason=payload.reason)
    return _profile(selectors.promoter_get(promoter_id))


@router.get("/operator/switch-requests", response=list[SwitchOut], openapi_extra=allowed(OPS))
def operator_switch_requests(request: HttpRequest, status: str = "pending"):
    """Mentor switch requests in one status (pending by default), newest first, at most 200."""
    require_operator(request.user, Role.OPS)
    return [_switch(s) for s in selectors.switch_requests(status=status)]


@router.post("/operator/switch-requests/{request_id}/decision", response=SwitchOut, openapi_extra=allowed(OPS))
def operator_switch_decide(request: HttpRequest, request_id: int, payload: SwitchDecisionIn):
    """Approve (and apply) or reject a pending mentor switch; audited."""
    require_operator(request.user, Role.OPS)
    switch = services.mentor_switch_decide(actor=request.user, switch=selectors.switch_request_get(request_id),
                                           approve=payload.approve, reason=payload.reason)
    return _switch(switch)


@router.get("/operator/promoter-applications", response=list[ApplicationOut], openapi_extra=allowed(OPS))
def operator_promoter_applications(request: HttpRequest, status: str = "pending"):
    """Applications to become a promoter in one status (pending by default), oldest first, at most 200."""
    require_operator(request.user, Role.OPS)
    return [_application(a) for a in selectors.promoter_applications(status=status)]


@router.post("/operator/promoter-applications/{application_id}/decision", response=ApplicationOut,
             openapi_extra=allowed(OPS))
def operator_promoter_application_decide(request: HttpRequest, application_id: int, payload: ApplicationDecisionIn):
    """Approve (the applicant becomes a promoter) or reject (reason required) a pending application; audited.

    Errors: 400 ``network.decision_reason_missing``, 404 ``network.application_unknown``, 409
    ``network.application_decided``."""
    return _application(promotion.promoter_application_decide(actor=request.user, application_id=application_id,
                                                              approve=payload.approve, reason=payload.reason))


# --- a temporary shopkeeper's community ----------------------------------------------------------------------

@router.get("/me/communities", response=ChoiceOut, openapi_extra=allowed(PROMOTER))
def my_communities(request: HttpRequest):
    """The communities open to join, mine marked ``current``, and whether I may still choose."""
    choice = community_choice.communities_open_to_join(selectors.promoter_for_user(request.user))
    return {"can_choose": choice.can_choose, "communities": choice.communities}


@router.post("/me/community", response=ProfileOut, openapi_extra=allowed(PROMOTER))
def my_community_choose(request: HttpRequest, payload: ChooseIn):
    """Join another community before my first sale (my team moves with me). Errors: 409
    ``network.community_choice_fixed`` (after the first sale) | ``network.community_choice_team_bound`` |
    ``network.community_choice_head`` | ``network.community_no_head``, 404 ``network.community_not_found``."""
    promoter = selectors.promoter_for_user(request.user)
    community_choice.promoter_community_choose(promoter=promoter, community_id=payload.community_id)
    return _profile(selectors.promoter_for_user(request.user))


# Agencies: operators open and run them, their staff read them.
from tuishou.network.api_agency import router as agency_router  # noqa: E402

router.add_router("", agency_router)
# The operators' promoter actions (freeze, rank by hand, invite code) compose the network with the incentive
# plan's ranks: their own module, an entry point like this one.
from tuishou.network.api_ops import router as _operator_promoters  # noqa: E402

router.add_router("/operator/promoters", _operator_promoters)
