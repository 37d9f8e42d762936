"""Reads of the inspected zone (验货区): a community's settings and ranks, the checklist of a product, the zone
rule of the supply pool (which promoters see and pick only inspected goods), open tasks an inspector may take,
reports an operator works through, and an inspector's own reports and rewards."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from tuishou.accounts.models import OperatorRole
from tuishou.accounts.permissions import require_operator
from tuishou.catalog.models import Product
from tuishou.catalog.selectors import supply_pool
from tuishou.community.inspections_errors import InspectionError
from tuishou.community.models_inspections import (
    ChecklistItem,
    InspectionChecklist,
    InspectionReport,
    InspectionSettings,
    InspectionTask,
)
from tuishou.core.errors import Conflict, NotFound
from tuishou.incentives.selectors import engine_plan, plan_version_in_force
from tuishou.network.models import Community, Promoter

OPS = OperatorRole.Role.OPS


def community_ranks(community_id: int) -> list[tuple[str, str]]:
    """The ranks of the community's plan in force, lowest first, as (id, name); empty without a plan."""
    version = plan_version_in_force(community_id=community_id)
    if version is None:
        return []
    return [(rank.id, rank.name) for rank in engine_plan(version).ranks]


def _rank_index(ranks: list[tuple[str, str]], rank: str) -> int:
    """Where ``rank`` stands (0: the lowest; an empty or unknown rank is the lowest)."""
    ids = [rank_id for rank_id, _name in ranks]
    return ids.index(rank) if rank in ids else 0


def rank_at_least(ranks: list[tuple[str, str]], rank: str, floor: str) -> bool:
    """True when ``rank`` is ``floor`` or above it (an empty floor: everyone)."""
    return not floor or _rank_index(ranks, rank) >= _rank_index(ranks, floor)


def rank_name(ranks: list[tuple[str, str]], rank: str) -> str:
    return dict(ranks).get(rank, rank) or (ranks[0][1] if ranks else "")


def inspection_settings_of(community_id: int) -> InspectionSettings:
    """The community's settings, or (unsaved) the defaults when an operator never changed them."""
    found = InspectionSettings.objects.filter(community_id=community_id).first()
    return found or InspectionSettings(community_id=community_id)


def inspection_settings_all(*, user) -> list[tuple[Community, InspectionSettings, list[tuple[str, str]]]]:
    """Every active community with its settings and ranks, for the operators' settings page."""
    require_operator(user, OPS)
    saved = {s.community_id: s for s in InspectionSettings.objects.all()}
    return [(c, saved.get(c.pk) or InspectionSettings(community_id=c.pk), community_ranks(c.pk))
            for c in Community.objects.filter(active=True).order_by("id")]


def checklist_for_category(category: str) -> InspectionChecklist | None:
    """The category's own checklist, else the default one (empty category); None when there is neither."""
    lists = {c.category: c for c in InspectionChecklist.objects.filter(category__in=[category, ""])}
    return lists.get(category) or lists.get("")


def checklist_items(category: str) -> list[ChecklistItem]:
    """The active points to check for a product of ``category``, in order."""
    checklist = checklist_for_category(category)
    return list(checklist.items.filter(active=True)) if checklist else []


def checklists_all(*, user) -> list[InspectionChecklist]:
    require_operator(user, OPS)
    return list(InspectionChecklist.objects.prefetch_related(
        Prefetch("items", queryset=ChecklistItem.objects.order_by("-active", "position", "id"))))


# ---- the zone rule of the supply pool ------------------------------------------------------------------------

def promoter_forced_zone(promoter: Promoter) -> str | None:
    """``"inspected"`` when the promoter's community lets their rank see and pick only inspected goods (the
    article's advice for promoters wary of after-sales trouble), else None (every zone)."""
    floor = inspection_settings_of(promoter.community_id).all_zones_rank
    if not floor:
        return None
    return None if rank_at_least(community_ranks(promoter.community_id), promoter.rank, floor) else "inspected"


def supply_pool_seen_by(*, user, zone: str | None = None, **filters) -> QuerySet[Product]:
    """The supply pool as ``user`` may see it (catalog's ``supply_pool`` with its filters): only the inspected
    zone for a promoter whose rank sees only inspected goods, the same rule as the pool page and the pick;
    anyone else (a visitor, a buyer, a promoter of a rank that sees every zone) sees the zone they ask for."""
    promoter = (Promoter.objects.filter(user_id=user.pk).first()
                if user is not None and user.is_authenticated else None)
    forced = promoter_forced_zone(promoter) if promoter is not None else None
    return supply_pool(zone=forced or zone, **filters)


def pool_pick_check(*, promoter: Promoter, product_id: int) -> None:
    """Refuse (``community.zone_restricted``) picking a product without the inspected badge when the promoter's
    rank sees only the inspected zone."""
    if promoter_forced_zone(promoter) is None:
        return
    if not Product.objects.filter(pk=product_id, inspected=True).exists():
        ranks = community_ranks(promoter.community_id)
        floor = inspection_settings_of(promoter.community_id).all_zones_rank
        raise Conflict(InspectionError.ZONE_RESTRICTED, rank=rank_name(ranks, floor),
                       details={"product_id": product_id})


# ---- tasks and reports ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class InspectorStanding:
    """Whether a promoter may inspect for their community, and the rank it takes."""

    allowed: bool
    rank_needed: str
    settings: InspectionSettings


def inspector_standing(promoter: Promoter) -> InspectorStanding:
    settings = inspection_settings_of(promoter.community_id)
    ranks = community_ranks(promoter.community_id)
    return InspectorStanding(allowed=rank_at_least(ranks, promoter.rank, settings.inspector_rank),
                             rank_needed=rank_name(ranks, settings.inspector_rank), settings=settings)


def _tasks() -> QuerySet[InspectionTask]:
    return InspectionTask.objects.select_related("product__merchant", "community").prefetch_related(
        "product__images")


def tasks_open_for(promoter: Promoter, *, now=None) -> QuerySet[InspectionTask]:
    """Open tasks of the promoter's community not yet due, soonest due first, with ``mine``: whether they
    reported already."""
    return (_tasks().filter(community_id=promoter.community_id, status=InspectionTask.Status.OPEN,
                            due_at__gt=now or timezone.now())
            .annotate(mine=Count("reports", filter=Q(reports__inspector=promoter)),
                      filed=Count("reports"))
            .order_by("due_at", "id"))


def task_get(task_id: int) -> InspectionTask:
    task = _tasks().filter(pk=task_id).first()
    if task is None:
        raise NotFound(InspectionError.TASK_UNKNOWN)
    return task


def task_for_inspector(promoter: Promoter, task_id: int) -> InspectionTask:
    """A task of the promoter's community (another community's task is unknown to them, like a missing one)."""
    task = task_get(task_id)
    if task.community_id != promoter.community_id:
        raise NotFound(InspectionError.TASK_UNKNOWN)
    return task


def report_of(promoter: Promoter, task: InspectionTask) -> InspectionReport | None:
    """The promoter's own report on the task, with its answers and photos, if they filed one."""
    return InspectionReport.objects.filter(task=task, inspector=promoter).prefetch_related("answers", "photos").first()


def tasks_for_operator(*, user) -> QuerySet[InspectionTask]:
    """Every task with its report counts (filed, passing, failing, waiting for a decision), for ops."""
    require_operator(user, OPS)
    return InspectionTask.objects.select_related("product", "community", "opened_by").annotate(
        filed=Count("reports"), passes=Count("reports", filter=Q(reports__verdict="pass")),
        fails=Count("reports", filter=Q(reports__verdict="fail")),
        waiting=Count("reports", filter=Q(reports__status="submitted")))


def _reports() -> QuerySet[InspectionReport]:
    return InspectionReport.objects.select_related(
        "task__community", "product__merchant", "inspector__user", "decided_by", "reviewed_by").prefetch_related(
        "photos", "answers")


def task_reports(*, user, task_id: int) -> tuple[InspectionTask, list[InspectionReport]]:
    require_operator(user, OPS)
    task = task_get(task_id)
    return task, list(_reports().filter(task=task).order_by("id"))


def review_queue(*, user) -> QuerySet[InspectionReport]:
    """Failing reports waiting for an operator's review, oldest first (the product is flagged meanwhile)."""
    require_operator(user, OPS)
    return _reports().filter(review=InspectionReport.Review.OPEN).order_by("created_at", "id")


def report_get(*, user, report_id: int) -> InspectionReport:
    require_operator(user, OPS)
    report = _reports().filter(pk=report_id).first()
    if report is None:
        raise NotFound(InspectionError.REPORT_UNKNOWN)
    return report


def reports_of(promoter: Promoter) -> QuerySet[InspectionReport]:
    """The inspector's own reports, newest first."""
    return _reports().filter(inspector=promoter).order_by("-created_at", "-id")


def rewards_total(promoter: Promoter) -> Decimal:
    """What the inspector's accepted reports have paid."""
    total = InspectionReport.objects.filter(inspector=promoter, status=InspectionReport.Status.ACCEPTED).aggregate(
        s=Sum("reward"))["s"]
    return total or Decimal("0.00")


def product_inspection_summary(product_id: int) -> dict:
    """Counts for a product page: accepted passes, open failures."""
    rows = InspectionReport.objects.filter(product_id=product_id)
    return rows.aggregate(passes=Count("inspector", distinct=True,
                                       filter=Q(verdict="pass", status="accepted")),
                          open_failures=Count("id", filter=Q(review="open")))
