"""Reads of the materials reward periods: the operators' list and one period with its lines, and an author's own
reward lines (what their materials earned, period by period)."""

from __future__ import annotations

from django.db.models import QuerySet

from tuishou.accounts.models import User
from tuishou.accounts.permissions import require_operator
from tuishou.community.errors import CommunityError
from tuishou.community.models_rewards import RewardLine, RewardPeriod
from tuishou.community.rewards import ROLES
from tuishou.core.errors import NotFound


def reward_periods_query(*, actor: User) -> QuerySet[RewardPeriod]:
    """Every reward period, newest first (operators: ops or finance)."""
    require_operator(actor, *ROLES)
    return RewardPeriod.objects.select_related("community").order_by("-starts_on", "-id")


def reward_period_get(*, actor: User, period_id: int) -> RewardPeriod:
    require_operator(actor, *ROLES)
    period = (RewardPeriod.objects.select_related("community", "created_by")
              .prefetch_related("status_changes__actor").filter(pk=period_id).first())
    if period is None:
        raise NotFound(CommunityError.REWARD_PERIOD_UNKNOWN)
    return period


def reward_lines_of_period(period: RewardPeriod) -> QuerySet[RewardLine]:
    return period.lines.select_related("author__user").order_by("-amount", "-weight", "author_id")


def rewards_of(promoter_id: int) -> QuerySet[RewardLine]:
    """An author's lines of settled periods, newest first (the ones left out too, with why)."""
    return (RewardLine.objects.filter(author_id=promoter_id, period__status=RewardPeriod.Status.SETTLED)
            .select_related("period", "period__community").order_by("-period__ends_on", "-period_id"))


def author_names(author_ids) -> dict[int, str]:
    """Each author's name as operators read it: display name and invite code."""
    from tuishou.network.models import Promoter

    return {p.pk: str(p) for p in Promoter.objects.filter(pk__in=list(author_ids)).select_related("user")}
