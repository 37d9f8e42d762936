"""Operators' actions on a promoter (`/api/v1/network/operator/promoters/…`): search, one promoter's file,
freeze and unfreeze, a rank set by hand and its clearing, the invite code disabled and re-enabled.

Every operator role reads; the ``ops`` role (and ``admin``) acts, each action audited. Routes validate and call
one service or selector. Errors: 400 ``network.action_reason_missing`` | ``incentives.rank_unknown``, 403
``auth.forbidden``, 404 ``network.promoter_unknown``, 409 ``network.promoter_frozen`` |
``network.promoter_not_frozen`` | ``network.rank_not_overridden`` | ``incentives.rank_unchanged`` |
``network.invite_code_already_disabled`` | ``network.invite_code_already_active``.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from tuishou.core.api_roles import OPERATORS, OPS, allowed
from tuishou.core.inputs import Reason, ReasonIn
from tuishou.incentives import rank_override
from tuishou.network import operator_actions, ops_selectors
from tuishou.network.models import Promoter

router = Router(tags=["network: operators"])


class RankIn(Schema):
    rank: str = Field(..., max_length=32)
    reason: Reason


class InviteCodeIn(Schema):
    active: bool
    reason: Reason


class OpsPromoterOut(Schema):
    id: int
    display_name: str
    phone: str | None
    community: str
    invite_code: str
    invite_code_active: bool
    rank: str
    rank_locked: bool
    stage: str
    frozen: bool
    frozen_at: datetime | None
    frozen_reason: str
    personal_volume: str
    paid_sales_count: int
    created_at: datetime


class OpsPromoterPage(Schema):
    count: int
    items: list[OpsPromoterOut]
    limit: int
    offset: int


class AuditOut(Schema):
    action: str
    actor: str | None
    reason: str
    data: dict
    created_at: datetime


class OpsPromoterFileOut(OpsPromoterOut):
    sponsor_chain: list[int]
    team_size: int
    direct_count: int
    audit: list[AuditOut]


class SearchQuery(Schema):
    q: str = ""
    community: str = ""
    rank: str | None = None
    frozen: str = Field("", pattern="^(|yes|no)$")
    sort: str = Field(ops_selectors.DEFAULT_SORT, pattern="^-?(joined|volume|sales|rank|id)$")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


def _out(promoter: Promoter) -> dict:
    return {"id": promoter.pk, "display_name": promoter.user.display_name, "phone": promoter.user.phone,
            "community": promoter.community.code, "invite_code": promoter.invite_code,
            "invite_code_active": promoter.invite_code_active, "rank": promoter.rank,
            "rank_locked": promoter.rank_locked, "stage": promoter.stage, "frozen": promoter.frozen_at is not None,
            "frozen_at": promoter.frozen_at, "frozen_reason": promoter.frozen_reason,
            "personal_volume": str(promoter.personal_volume), "paid_sales_count": promoter.paid_sales_count,
            "created_at": promoter.created_at}


def _file(request: HttpRequest, promoter_id: int) -> dict:
    file = ops_selectors.promoter_file(actor=request.user, promoter_id=promoter_id)
    return _out(file.promoter) | {
        "sponsor_chain": [p.pk for p in file.chain], "team_size": file.team_size, "direct_count": file.direct_count,
        "audit": [{"action": e.action, "actor": e.actor.phone if e.actor else None, "reason": e.reason,
                   "data": e.data, "created_at": e.created_at} for e in file.audit]}


@router.get("", response=OpsPromoterPage, openapi_extra=allowed(*OPERATORS))
def promoters(request: HttpRequest, query: Query[SearchQuery]):
    """Search promoters by phone, name or invite code; filter by community, rank and freeze; sort; page."""
    rows = ops_selectors.promoters_search(actor=request.user, q=query.q, community=query.community, rank=query.rank,
                                          frozen=query.frozen, sort=query.sort)
    return {"count": rows.count(), "items": [_out(p) for p in rows[query.offset:query.offset + query.limit]],
            "limit": query.limit, "offset": query.offset}


@router.get("/{promoter_id}", response=OpsPromoterFileOut, openapi_extra=allowed(*OPERATORS))
def promoter(request: HttpRequest, promoter_id: int):
    """One promoter's file: profile, sponsor chain (sponsor first), team size and the audit trail."""
    return _file(request, promoter_id)


@router.post("/{promoter_id}/freeze", response=OpsPromoterFileOut, openapi_extra=allowed(OPS))
def freeze(request: HttpRequest, promoter_id: int, payload: ReasonIn):
    """Freeze: commissions held, no withdrawals, store and links hidden. Audited."""
    operator_actions.promoter_freeze(actor=request.user, promoter_id=promoter_id, reason=payload.reason)
    return _file(request, promoter_id)


@router.post("/{promoter_id}/unfreeze", response=OpsPromoterFileOut, openapi_extra=allowed(OPS))
def unfreeze(request: HttpRequest, promoter_id: int, payload: ReasonIn):
    """Lift a freeze: held commissions settle at the next settlement run. Audited."""
    operator_actions.promoter_unfreeze(actor=request.user, promoter_id=promoter_id, reason=payload.reason)
    return _file(request, promoter_id)


@router.post("/{promoter_id}/rank", response=OpsPromoterFileOut, openapi_extra=allowed(OPS))
def rank_set(request: HttpRequest, promoter_id: int, payload: RankIn):
    """Set the rank by hand (one of the plan in force's ranks); the evaluation keeps it until cleared. Audited."""
    rank_override.promoter_rank_override_set(actor=request.user, promoter_id=promoter_id, rank=payload.rank,
                                             reason=payload.reason)
    return _file(request, promoter_id)


@router.post("/{promoter_id}/rank/clear", response=OpsPromoterFileOut, openapi_extra=allowed(OPS))
def rank_clear(request: HttpRequest, promoter_id: int, payload: ReasonIn):
    """Clear the rank set by hand: the next evaluation decides the rank again. Audited."""
    rank_override.promoter_rank_override_clear(actor=request.user, promoter_id=promoter_id, reason=payload.reason)
    return _file(request, promoter_id)


@router.post("/{promoter_id}/invite-code", response=OpsPromoterFileOut, openapi_extra=allowed(OPS))
def invite_code(request: HttpRequest, promoter_id: int, payload: InviteCodeIn):
    """Disable (``active: false``) or re-enable the invite code: sign-ups with a disabled code are refused."""
    operator_actions.promoter_invite_code_set_active(actor=request.user, promoter_id=promoter_id,
                                                     active=payload.active, reason=payload.reason)
    return _file(request, promoter_id)
