"""API for incentive plans: templates, compliance check, versions per community, payout preview. Routes parse,
call one service or selector, and render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from tuishou.incentives import selectors
from tuishou.incentives.models import PlanVersion
from tuishou.incentives.payouts import payout_preview as plan_payout_preview
from tuishou.incentives.schemas import (
    CheckIn,
    CheckOut,
    PayoutPreviewIn,
    PayoutPreviewOut,
    PlanSourceIn,
    PlanVersionOut,
    RetireIn,
    TemplateOut,
)
from tuishou.incentives.services import (
    plan_check_source,
    plan_draft_import,
    plan_draft_update,
    plan_publish,
    plan_retire,
)

router = Router(tags=["incentives"])


def _out(v: PlanVersion) -> dict:
    return {"id": v.pk, "community": v.community.code, "plan": v.plan_key, "name": v.name, "version": v.version,
            "status": v.status, "jurisdiction": v.jurisdiction, "findings": v.findings,
            "published_at": v.published_at, "retired_at": v.retired_at}


@router.get("/templates", response=list[TemplateOut])
def templates(request: HttpRequest):
    """The plan templates shipped with the platform, each passing the profile it declares."""
    return selectors.templates_list()


@router.get("/templates/{name}.yaml")
def template_yaml(request: HttpRequest, name: str):
    """A template's YAML, to start a draft from."""
    return HttpResponse(selectors.template_source(name=name), content_type="application/yaml; charset=utf-8")


@router.post("/check", response=CheckOut)
def check(request: HttpRequest, payload: CheckIn):
    """Check a plan document against a compliance profile without storing anything."""
    return plan_check_source(source=payload.source, profile=payload.jurisdiction,
                             after_sales_days=payload.after_sales_days)


@router.get("/communities/{code}/plans", response=list[PlanVersionOut])
def versions(request: HttpRequest, code: str):
    """Every version of a community's plans, newest first."""
    return [_out(v) for v in selectors.plan_versions_for_community(actor=request.user, code=code)]


@router.post("/communities/{code}/plans", response={201: PlanVersionOut})
def draft_import(request: HttpRequest, code: str, payload: PlanSourceIn):
    """Import a YAML or JSON plan as a draft (operator, ops role); the answer carries its findings."""
    draft = plan_draft_import(actor=request.user, community=selectors.community_by_code(code=code),
                              source=payload.source)
    return Status(201, _out(draft))


@router.get("/communities/{code}/plan-in-force", response=PlanVersionOut)
def in_force(request: HttpRequest, code: str):
    """The version in force for a community now."""
    return _out(selectors.plan_in_force_for_community(code=code))


@router.get("/plans/{version_id}", response=PlanVersionOut)
def version_detail(request: HttpRequest, version_id: int):
    return _out(selectors.plan_version_get(version_id=version_id, actor=request.user))


@router.get("/plans/{version_id}/export")
def version_export(request: HttpRequest, version_id: int):
    """A version's document as it was imported (YAML or JSON)."""
    filename, source = selectors.plan_version_export(actor=request.user, version_id=version_id)
    response = HttpResponse(source, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.put("/plans/{version_id}", response=PlanVersionOut)
def draft_update(request: HttpRequest, version_id: int, payload: PlanSourceIn):
    """Replace a draft's document; a published version never changes (409)."""
    return _out(plan_draft_update(actor=request.user, draft=selectors.plan_version_get(version_id=version_id),
                                  source=payload.source))


@router.post("/plans/{version_id}/publish", response=PlanVersionOut)
def publish(request: HttpRequest, version_id: int):
    """Publish a draft; refused with ``incentives.plan_not_compliant`` when the check finds an error."""
    return _out(plan_publish(actor=request.user, draft=selectors.plan_version_get(version_id=version_id)))


@router.post("/plans/{version_id}/retire", response=PlanVersionOut)
def retire(request: HttpRequest, version_id: int, payload: RetireIn):
    """Take the version in force out of force without a successor (ops role, with a reason)."""
    return _out(plan_retire(actor=request.user, version=selectors.plan_version_get(version_id=version_id),
                            reason=payload.reason))


@router.post("/plans/{version_id}/payout-preview", response=PayoutPreviewOut)
def payout_preview(request: HttpRequest, version_id: int, payload: PayoutPreviewIn):
    """What an order with base B credited to a promoter would pay under this version, with today's chain."""
    preview = plan_payout_preview(actor=request.user, version_id=version_id, promoter_id=payload.promoter_id,
                                  base=payload.base, self_purchase=payload.self_purchase)
    return {"plan": preview.version.plan_key, "version": preview.version.version,
            "chain": [c.as_dict() for c in preview.chain],
            "payouts": [{"promoter_id": p.promoter_id, "rule": p.rule, "amount": f"{p.amount:.2f}"}
                        for p in preview.payouts],
            "total": f"{preview.total:.2f}"}
