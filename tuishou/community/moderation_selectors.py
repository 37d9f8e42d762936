"""Reads of the operators' materials moderation desk (素材审核, /ops/materials/): the materials with their open
reports counted, and one material with its reports and its moderation history (the audit entries
``materials.material_moderate`` and ``materials.material_reports_dismiss`` write). Operators of the ops role only,
as the services."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from tuishou.accounts.models import User
from tuishou.accounts.permissions import Role, require_operator
from tuishou.community.errors import CommunityError
from tuishou.community.models import Material, MaterialReport
from tuishou.core.errors import NotFound
from tuishou.risk.models import AuditEntry

MODERATION_ACTIONS = ("community.material_hidden", "community.material_restored",
                      "community.material_reports_dismissed")


def moderation_materials(*, actor: User) -> QuerySet[Material]:
    """Every material with ``open_reports`` (unresolved reports) and ``latest_reason`` (its newest report's
    reason, resolved or not); the ops role only."""
    require_operator(actor, Role.OPS)
    latest = MaterialReport.objects.filter(material=OuterRef("pk")).order_by("-created_at", "-id")
    return (Material.objects.select_related("author__user", "product")
            .annotate(open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)),
                      latest_reason=Subquery(latest.values("reason")[:1])))


@dataclass(frozen=True)
class MaterialCase:
    """One material as the moderation desk shows it."""

    material: Material
    citations: int
    reports: list[MaterialReport]
    audit: list[AuditEntry]

    @property
    def open_reports(self) -> int:
        return sum(1 for report in self.reports if report.resolved_at is None)


def moderation_case(*, actor: User, material_id: int) -> MaterialCase:
    """A material (hidden or not) with its citations counted, its reports (newest first) and its
    moderation audit entries (newest first)."""
    require_operator(actor, Role.OPS)
    material = (Material.objects.select_related("author__user", "product").prefetch_related("images")
                .annotate(citation_count=Count("citations")).filter(pk=material_id).first())
    if material is None:
        raise NotFound(CommunityError.MATERIAL_UNKNOWN)
    reports = list(material.reports.select_related("reporter").order_by("-created_at", "-id"))
    audit = list(AuditEntry.objects.filter(target_type=Material._meta.label_lower, target_id=str(material.pk),
                                           action__in=MODERATION_ACTIONS).select_related("actor"))
    return MaterialCase(material=material, citations=material.citation_count, reports=reports,
                        audit=audit)
