"""Reads for incentive plans: the version in force, and the engine's view of a version."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from django.db.models import Q
from django.utils import timezone

from tuishou.core.errors import NotFound
from tuishou.incentives.engine import Plan, load_plan
from tuishou.incentives.errors import IncentiveError
from tuishou.incentives.models import PlanVersion


def plan_version_in_force(*, community_id: int, at: datetime | None = None) -> PlanVersion | None:
    """The version in force for a community at ``at`` (now): published by then and not yet retired."""
    at = at or timezone.now()
    return (PlanVersion.objects
            .filter(community_id=community_id, published_at__lte=at)
            .filter(Q(retired_at__isnull=True) | Q(retired_at__gt=at))
            .order_by("-published_at", "-id").first())


def plan_version_require_in_force(*, community_id: int, at: datetime | None = None) -> PlanVersion:
    """Like ``plan_version_in_force`` but raises ``incentives.no_plan_in_force``."""
    version = plan_version_in_force(community_id=community_id, at=at)
    if version is None:
        raise NotFound(IncentiveError.NO_PLAN_IN_FORCE)
    return version


@lru_cache(maxsize=256)
def _frozen_engine_plan(version_id: int, source: str) -> Plan:
    return load_plan(PlanVersion.objects.values_list("document", flat=True).get(pk=version_id))


def engine_plan(version: PlanVersion) -> Plan:
    """The engine's validated plan for a version (cached: published versions never change).

    The cache key carries the document's text as well as the id, so an id reused after a rollback
    (tests, a restored backup) can never answer with another plan.
    """
    if version.status == PlanVersion.Status.DRAFT:
        return load_plan(version.document)
    return _frozen_engine_plan(version.pk, version.source)
