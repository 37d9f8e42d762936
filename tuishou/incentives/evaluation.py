"""Periodic rank evaluation (晋级评定): every promoter of a community, under the plan in force.

Windows end at the evaluation time. Ranks change only here (or by an operator), and every change is
written to the rank history through the network's ``promoter_rank_set``. An order keeps the ranks of
its snapshot, so nobody is demoted mid-order. A rank with no ``qualify`` test (other than the lowest)
is assigned by operators only: evaluation keeps it, as it keeps any rank an operator set by hand
(``Promoter.rank_locked``, see ``rank_override``) until an operator clears the override.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tuishou.incentives.engine import evaluate_rank, is_active
from tuishou.incentives.metrics import CommunityMetrics
from tuishou.incentives.models import RankEvaluationRun
from tuishou.incentives.selectors import engine_plan, plan_version_in_force
from tuishou.network.models import Community, Promoter
from tuishou.network.services import promoter_rank_set


@dataclass(frozen=True)
class EvaluationSummary:
    community: str
    promoters: int
    promoted: int
    demoted: int
    run_id: int | None


def ranks_evaluate(*, community: Community, at: datetime | None = None) -> EvaluationSummary:
    """Evaluate every promoter's rank and activity in ``community`` at ``at`` (now)."""
    at = at or timezone.now()
    version = plan_version_in_force(community_id=community.pk, at=at)
    if version is None:
        return EvaluationSummary(community.code, 0, 0, 0, None)
    plan = engine_plan(version)
    order = plan.compiled.rank_index
    manual_only = {r.id for r in plan.ranks[1:] if r.qualify is None}
    metrics = CommunityMetrics(community_id=community.pk, at=at, rank_order=order)
    lowest = plan.ranks[0].id
    changes: dict[int, str] = {}
    activity: dict[bool, list[int]] = {True: [], False: []}
    current_active, locked = {}, set()
    for pid, active, rank_locked in Promoter.objects.filter(community=community).values_list(
            "id", "active", "rank_locked"):
        current_active[pid] = active
        if rank_locked:
            locked.add(pid)
    for pid in sorted(metrics.ids):
        lookup = metrics.lookup_for(pid)
        current = metrics.rank[pid] or lowest
        new = current if current in manual_only or pid in locked else evaluate_rank(plan, lookup)
        if new != current:
            changes[pid] = new
        active = is_active(plan, lookup)
        if current_active.get(pid) != active:
            activity[active].append(pid)
    promoted = sum(1 for pid, new in changes.items() if order[new] > order.get(metrics.rank[pid] or lowest, 0))
    demoted = len(changes) - promoted
    with transaction.atomic():
        run = RankEvaluationRun.objects.create(community=community, plan_version=version, evaluated_at=at,
                                               promoters=len(metrics.ids), promoted=promoted, demoted=demoted)
        for promoter in Promoter.objects.filter(pk__in=list(changes)).order_by("pk"):
            promoter_rank_set(promoter=promoter, rank=changes[promoter.pk], source="evaluation", effective_at=at,
                              reason=f"evaluation run {run.pk}", plan_id=plan.id, plan_version=version.version)
        for flag, ids in activity.items():
            if ids:
                Promoter.objects.filter(pk__in=ids).update(active=flag)
        run.finished_at = timezone.now()
        run.save(update_fields=["finished_at"])
    return EvaluationSummary(community.code, len(metrics.ids), promoted, demoted, run.pk)


def ranks_evaluate_all(*, at: datetime | None = None) -> list[EvaluationSummary]:
    """Evaluate every active community (the scheduled task)."""
    return [ranks_evaluate(community=c, at=at) for c in Community.objects.filter(active=True).order_by("pk")]
