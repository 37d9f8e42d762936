"""Reads for incentive plans: templates, a community's versions, the version in force, and the engine's view of
a version."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from django.db.models import Q, QuerySet
from django.utils import timezone

from tuishou.accounts.permissions import is_operator, require_operator, require_user
from tuishou.core.errors import NotFound, PermissionDenied
from tuishou.incentives.engine import Plan, load_plan
from tuishou.incentives.engine.templates import list_templates, load_template, template_text
from tuishou.incentives.errors import IncentiveError
from tuishou.incentives.models import PlanStudy, PlanVersion
from tuishou.network.errors import NetworkError
from tuishou.network.models import Community, CommunityStaff


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
    if version.is_draft:
        return load_plan(version.document)
    return _frozen_engine_plan(version.pk, version.source)


def templates_list() -> list[dict]:
    """The plan templates shipped with the platform: name, plan id, title, the profile each declares (and
    passes)."""
    out = []
    for name in list_templates():
        plan = load_template(name)
        out.append({"name": name, "plan": plan.id, "title": plan.name, "jurisdiction": plan.jurisdiction})
    return out


def template_source(*, name: str) -> str:
    """A template's YAML, to start a draft from; ``incentives.template_unknown`` (404)."""
    if name not in list_templates():
        raise NotFound(IncentiveError.TEMPLATE_UNKNOWN, name=name)
    return template_text(name)


def community_by_code(*, code: str) -> Community:
    """A community by its code; ``network.community_unknown`` (404)."""
    community = Community.objects.filter(code=code).first()
    if community is None:
        raise NotFound(NetworkError.COMMUNITY_UNKNOWN, code=code)
    return community


def plan_versions_for_community(*, actor, code: str) -> QuerySet[PlanVersion]:
    """Every version of a community's plans, newest first (operators)."""
    require_operator(actor)
    return (PlanVersion.objects.filter(community=community_by_code(code=code)).select_related("community")
            .order_by("-id"))


def plan_in_force_for_community(*, code: str) -> PlanVersion:
    """The version in force for a community now; ``incentives.no_plan_in_force`` (404)."""
    return plan_version_require_in_force(community_id=community_by_code(code=code).pk)


def plan_version_get(*, version_id: int, actor=None) -> PlanVersion:
    """A plan version with its community; ``incentives.plan_version_unknown`` (404). With ``actor``, only an
    operator may read it (services that change a version check their own role)."""
    if actor is not None:
        require_operator(actor)
    version = PlanVersion.objects.select_related("community").filter(pk=version_id).first()
    if version is None:
        raise NotFound(IncentiveError.PLAN_VERSION_UNKNOWN, version_id=version_id,
                       details={"version_id": version_id})
    return version


def plan_version_export(*, actor, version_id: int) -> tuple[str, str]:
    """A version's document as it was imported (YAML or JSON) and the file name to save it under (operators)."""
    version = plan_version_get(version_id=version_id, actor=actor)
    label = f"v{version.version}" if version.version else "draft"
    return f"{version.plan_key}-{label}.yaml", version.source


def plan_versions_list(*, community_code: str | None = None) -> QuerySet[PlanVersion]:
    """Plan versions by community, newest first in each (the command line's list)."""
    versions = PlanVersion.objects.select_related("community").order_by("community_id", "-id")
    return versions.filter(community__code=community_code) if community_code else versions


# ---- who may work on a community's plan -------------------------------------------------------------------
# Agency staff are the users with a ``CommunityStaff`` row. The agency work adds
# ``network.selectors.require_community_staff``; until it is on main these few reads check the row directly.


def agency_community(*, actor) -> Community:
    """The community ``actor`` runs (its first, when on the staff of several); ``incentives.not_community_staff``
    (403) for anyone else."""
    user = require_user(actor)
    community = (Community.objects.filter(staff__user=user).order_by("pk").first())
    if community is None:
        raise PermissionDenied(IncentiveError.NOT_COMMUNITY_STAFF)
    return community


def is_plan_editor(actor, community_id: int) -> bool:
    """True for an operator of the ops role, or a member of the community's staff."""
    if is_operator(actor, "ops"):
        return True
    return bool(getattr(actor, "pk", None)) and CommunityStaff.objects.filter(
        user_id=actor.pk, community_id=community_id).exists()


def plan_editor_check(*, actor, community: Community) -> None:
    """Raise unless ``actor`` may draft plans for ``community``: another community's answer is the same 404 as a
    community that does not exist."""
    require_user(actor)
    if not is_plan_editor(actor, community.pk):
        raise NotFound(NetworkError.COMMUNITY_UNKNOWN, code=community.code)


def plan_version_for_editor(*, actor, version_id: int) -> PlanVersion:
    """A plan version ``actor`` may read and work on (ops operators: any; agency staff: their community's);
    ``incentives.plan_version_unknown`` (404) otherwise, the same as a version that does not exist."""
    require_user(actor)
    version = PlanVersion.objects.select_related("community").filter(pk=version_id).first()
    if version is None or not is_plan_editor(actor, version.community_id):
        raise NotFound(IncentiveError.PLAN_VERSION_UNKNOWN, version_id=version_id, details={"version_id": version_id})
    return version


def plan_study_for_editor(*, actor, study_id: int) -> PlanStudy:
    """A simulation or backtest ``actor`` may read (as ``plan_version_for_editor``); ``incentives.study_unknown``."""
    require_user(actor)
    study = PlanStudy.objects.select_related("version__community", "job").filter(pk=study_id).first()
    if study is None or not is_plan_editor(actor, study.version.community_id):
        raise NotFound(IncentiveError.STUDY_UNKNOWN, study_id=study_id, details={"study_id": study_id})
    return study


def plan_proposals(*, actor) -> QuerySet[PlanVersion]:
    """Drafts proposed by their communities, oldest first (operators)."""
    require_operator(actor)
    return (PlanVersion.objects.filter(status=PlanVersion.Status.PROPOSED).select_related("community", "created_by")
            .order_by("id"))


def plan_desk(*, community: Community) -> dict:
    """The agency's plan page: the version in force, the drafts (newest first) and their latest studies."""
    drafts = list(PlanVersion.objects.filter(community=community, status__in=[PlanVersion.Status.DRAFT,
                                                                             PlanVersion.Status.PROPOSED])
                  .select_related("created_by").order_by("-id")[:50])
    return {"community": community, "in_force": plan_version_in_force(community_id=community.pk),
            "drafts": drafts, "templates": templates_list()}


def plan_desk_ops(*, actor) -> dict:
    """The operators' plans page: proposals waiting, each community's version in force, recent drafts."""
    require_operator(actor, "ops")
    in_force = {v.community_id: v for v in PlanVersion.objects.filter(status=PlanVersion.Status.PUBLISHED)}
    communities = [(c, in_force.get(c.pk)) for c in Community.objects.order_by("pk")]
    drafts = list(PlanVersion.objects.filter(status=PlanVersion.Status.DRAFT).select_related("community", "created_by")
                  .order_by("-id")[:20])
    return {"proposals": list(plan_proposals(actor=actor)), "communities": communities, "drafts": drafts,
            "templates": templates_list()}


def plan_editor_page(*, actor, version_id: int) -> dict:
    """A draft (or any version) with its history and its latest simulations and backtests."""
    version = plan_version_for_editor(actor=actor, version_id=version_id)
    studies = list(version.studies.select_related("job", "created_by").order_by("-id")[:10])
    history = list(version.status_changes.select_related("actor").order_by("id"))
    return {"version": version, "studies": studies, "history": history,
            "in_force": plan_version_in_force(community_id=version.community_id)}
