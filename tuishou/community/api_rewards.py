"""API routes of the materials reward periods (素材奖励), under ``/api/v1/community/rewards``: operators (ops or
finance) create, fund, preview, settle and cancel periods; an author reads their own reward lines."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from tuishou.accounts.permissions import require_user
from tuishou.community import rewards, rewards_selectors
from tuishou.community.schemas_rewards import (
    CancelIn,
    MyRewardOut,
    PeriodQuery,
    PreviewOut,
    RewardPeriodIn,
    RewardPeriodOut,
    RewardPeriodPage,
    period_out,
)
from tuishou.core.api_roles import FINANCE, OPS, PROMOTER, allowed
from tuishou.network.selectors import promoter_for_user

router = Router(tags=["community"])


@router.get("/periods", response=RewardPeriodPage, openapi_extra=allowed(OPS, FINANCE))
def period_list(request: HttpRequest, query: Query[PeriodQuery]):
    """Operators: every reward period, newest first (optionally of one ``status``: draft, open, settled,
    cancelled)."""
    rows = rewards_selectors.reward_periods_query(actor=request.user)
    if query.status:
        rows = rows.filter(status=query.status)
    return {"count": rows.count(), "items": [period_out(p) for p in rows[query.offset:query.offset + query.limit]]}


@router.post("/periods", response={201: RewardPeriodOut}, openapi_extra=allowed(OPS, FINANCE))
def period_create(request: HttpRequest, payload: RewardPeriodIn):
    """Operators: draft a period (a community's, or platform-wide without ``community_id``); nothing is paid
    until it is funded."""
    period = rewards.reward_period_create(actor=request.user, **payload.dict())
    return Status(201, period_out(rewards_selectors.reward_period_get(actor=request.user, period_id=period.pk)))


@router.get("/periods/{int:period_id}", response=PreviewOut, openapi_extra=allowed(OPS, FINANCE))
def period_detail(request: HttpRequest, period_id: int):
    """Operators: a period and its split — what was paid once settled, the preview before."""
    return _preview(request, period_id)


@router.get("/periods/{int:period_id}/preview", response=PreviewOut, openapi_extra=allowed(OPS, FINANCE))
def period_preview(request: HttpRequest, period_id: int):
    """Operators: the split as it would be paid now (per author: orders, weight, rating, why left out, amount)."""
    return _preview(request, period_id)


def _preview(request: HttpRequest, period_id: int) -> dict:
    preview = rewards.reward_period_preview(actor=request.user, period_id=period_id)
    names = rewards_selectors.author_names(line.author_id for line in preview.lines)
    return {"period": period_out(preview.period), "cap": preview.cap, "paid": preview.paid,
            "returned": preview.returned,
            "lines": [{**line.__dict__, "author": names.get(line.author_id, "")} for line in preview.lines]}


@router.post("/periods/{int:period_id}/fund", response=RewardPeriodOut, openapi_extra=allowed(OPS, FINANCE))
def period_fund(request: HttpRequest, period_id: int):
    """Operators: fund the pool from the platform's marketing expense (draft → open)."""
    rewards.reward_period_fund(actor=request.user, period_id=period_id)
    return period_out(rewards_selectors.reward_period_get(actor=request.user, period_id=period_id))


@router.post("/periods/{int:period_id}/settle", response=RewardPeriodOut, openapi_extra=allowed(OPS, FINANCE))
def period_settle(request: HttpRequest, period_id: int):
    """Operators: pay the period after its last day, exactly once (a second call: 409
    ``community.reward_period_settled``)."""
    rewards.reward_period_settle(actor=request.user, period_id=period_id)
    return period_out(rewards_selectors.reward_period_get(actor=request.user, period_id=period_id))


@router.post("/periods/{int:period_id}/cancel", response=RewardPeriodOut, openapi_extra=allowed(OPS, FINANCE))
def period_cancel(request: HttpRequest, period_id: int, payload: CancelIn):
    """Operators: cancel a draft or open period with a reason; an open pool returns whole."""
    rewards.reward_period_cancel(actor=request.user, period_id=period_id, reason=payload.reason)
    return period_out(rewards_selectors.reward_period_get(actor=request.user, period_id=period_id))


@router.get("/mine", response=list[MyRewardOut], openapi_extra=allowed(PROMOTER))
def my_rewards(request: HttpRequest):
    """My reward lines of settled periods, newest first (also the periods that left me out, with why)."""
    promoter = promoter_for_user(require_user(request.user))
    return [{"period_id": line.period_id, "title": line.period.title, "starts_on": line.period.starts_on,
             "ends_on": line.period.ends_on, "orders": line.orders, "weight": line.weight,
             "excluded": line.excluded, "amount": line.amount, "settled_at": line.period.settled_at}
            for line in rewards_selectors.rewards_of(promoter.pk)[:100]]
