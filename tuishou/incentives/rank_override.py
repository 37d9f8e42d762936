"""An operator's rank set by hand (手动定级), checked against the ranks of the community's plan in force, and its
clearing. The rank is written through the network's ``promoter_rank_set`` with ``lock=True``: the nightly rank
evaluation (``evaluation.ranks_evaluate``) keeps a locked rank until an operator clears the override, as the
README promises for ranks assigned by operators. Audited by the network (``network.rank_set``,
``network.rank_override_cleared``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tuishou.accounts.models import User
from tuishou.accounts.permissions import Role, require_operator
from tuishou.core.errors import Conflict, InvalidInput, NotFound
from tuishou.incentives.errors import IncentiveError
from tuishou.incentives.selectors import engine_plan, plan_version_require_in_force
from tuishou.network.models import Promoter, RankRecord
from tuishou.network.operator_actions import action_reason, promoter_locked
from tuishou.network.promoter_changes import promoter_rank_lock_clear, promoter_rank_set


def community_rank_choices(*, community_id: int) -> list[tuple[str, str]]:
    """(rank id, name) of the community's plan in force, lowest first; empty without a plan in force."""
    try:
        version = plan_version_require_in_force(community_id=community_id)
    except NotFound:  # no plan in force: nothing to choose from
        return []
    return [(rank.id, rank.name) for rank in engine_plan(version).ranks]


def promoter_rank_override_set(*, actor: User | None, promoter_id: int, rank: str, reason: str) -> Promoter:
    """Set a promoter's rank by hand and keep it through the evaluations until cleared.

    Raises ``auth.forbidden``, ``network.action_reason_missing``, ``network.promoter_unknown`` (404),
    ``incentives.no_plan_in_force`` (404), ``incentives.rank_unknown`` (400), ``incentives.rank_unchanged`` (409).
    """
    require_operator(actor, Role.OPS)
    reason = action_reason(reason)
    rank = (rank or "").strip()
    with transaction.atomic():
        promoter = promoter_locked(promoter_id)
        version = plan_version_require_in_force(community_id=promoter.community_id)
        plan = engine_plan(version)
        if rank not in {r.id for r in plan.ranks}:
            raise InvalidInput(IncentiveError.RANK_UNKNOWN, rank=rank, details={"field": "rank"})
        if promoter.rank_locked and (promoter.rank or plan.ranks[0].id) == rank:
            raise Conflict(IncentiveError.RANK_UNCHANGED, details={"field": "rank"})
        promoter_rank_set(promoter, rank, source=RankRecord.Source.OPERATOR, effective_at=timezone.now(),
                          reason=reason, actor=actor, plan_id=plan.id, plan_version=version.version, lock=True)
    return promoter


def promoter_rank_override_clear(*, actor: User | None, promoter_id: int, reason: str) -> Promoter:
    """Clear the override: the next evaluation decides the rank again. Raises ``auth.forbidden``,
    ``network.action_reason_missing``, ``network.promoter_unknown`` (404), ``network.rank_not_overridden`` (409)."""
    require_operator(actor, Role.OPS)
    reason = action_reason(reason)
    with transaction.atomic():
        promoter = promoter_locked(promoter_id)
        return promoter_rank_lock_clear(actor=actor, promoter=promoter, reason=reason)
