"""API for incentive plans: templates, compliance check, versions per community, payout preview."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from tuishou.accounts.permissions import require_operator
from tuishou.core.errors import NotFound
from tuishou.core.money import parse_amount
from tuishou.incentives.engine.templates import list_templates, load_template, template_text
from tuishou.incentives.errors import IncentiveError
from tuishou.incentives.models import PlanVersion
from tuishou.incentives.payouts import chain_snapshot, order_payouts_compute
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
from tuishou.incentives.selectors import plan_version_require_in_force
from tuishou.incentives.services import (
    plan_check,
    plan_draft_import,
    plan_draft_update,
    plan_parse,
    plan_publish,
    plan_retire,
)
from tuishou.network.errors import NetworkError
from tuishou.network.models import Community, Promoter

router = Router(tags=["incentives"])


def _out(v: PlanVersion) -> dict:
    return {"id": v.pk, "community": v.community.code, "plan": v.plan_key, "name": v.name, "version": v.version,
            "status": v.status, "jurisdiction": v.jurisdiction, "findings": v.findings,
            "published_at": v.published_at, "retired_at": v.retired_at}


def _community(code: str) -> Community:
    community = Community.objects.filter(code=code).first()
    if community is None:
        raise NotFound(NetworkError.COMMUNITY_UNKNOWN, code=code)
    return community


@router.get("/templates", response=list[TemplateOut])
def templates(request: HttpRequest):
    """The plan templates shipped with the platform, each passing the profile it declares."""
    out = []
    for name in list_templates():
        plan = load_template(name)
        out.append({"name": name, "plan": plan.id, "title": plan.name, "jurisdiction": plan.jurisdiction})
    return out


@router.get("/templates/{name}.yaml")
def template_yaml(request: HttpRequest, name: str):
    """A template's YAML, to start a draft from."""
    if name not in list_templates():
        raise NotFound(IncentiveError.TEMPLATE_UNKNOWN, name=name)
    return HttpResponse(template_text(name), content_type="application/yaml; charset=utf-8")


@router.post("/check", response=CheckOut)
def check(request: HttpRequest, payload: CheckIn):
    """Check a plan document against a compliance profile without storing anything."""
    plan = plan_parse(source=payload.source)
    result = plan_check(plan=plan, profile=payload.jurisdiction, after_sales_days=payload.after_sales_days)
    return result.to_json(plan.id)


@router.get("/communities/{code}/plans", response=list[PlanVersionOut])
def versions(request: HttpRequest, code: str):
    """Every version of a community's plans, newest first."""
    require_operator(request.user)
    community = _community(code)
    return [_out(v) for v in PlanVersion.objects.filter(community=community).select_related("community")
            .order_by("-id")]


@router.post("/communities/{code}/plans", response={201: PlanVersionOut})
def draft_import(request: HttpRequest, code: str, payload: PlanSourceIn):
    """Import a YAML or JSON plan as a draft (operator, ops role); the answer carries its findings."""
    draft = plan_draft_import(actor=request.user, community=_community(code), source=payload.source)
    return Status(201, _out(draft))


@router.get("/communities/{code}/plan-in-force", response=PlanVersionOut)
def in_force(request: HttpRequest, code: str):
    """The version in force for a community now."""
    return _out(plan_version_require_in_force(community_id=_community(code).pk))


@router.get("/plans/{version_id}", response=PlanVersionOut)
def version_detail(request: HttpRequest, version_id: int):
    require_operator(request.user)
    return _out(get_object_or_404(PlanVersion.objects.select_related("community"), pk=version_id))


@router.get("/plans/{version_id}/export")
def version_export(request: HttpRequest, version_id: int):
    """A version's document as it was imported (YAML or JSON)."""
    require_operator(request.user)
    version = get_object_or_404(PlanVersion, pk=version_id)
    response = HttpResponse(version.source, content_type="application/yaml; charset=utf-8")
    label = f"v{version.version}" if version.version else "draft"
    response["Content-Disposition"] = f'attachment; filename="{version.plan_key}-{label}.yaml"'
    return response


@router.put("/plans/{version_id}", response=PlanVersionOut)
def draft_update(request: HttpRequest, version_id: int, payload: PlanSourceIn):
    """Replace a draft's document; a published version never changes (409)."""
    draft = get_object_or_404(PlanVersion.objects.select_related("community"), pk=version_id)
    return _out(plan_draft_update(actor=request.user, draft=draft, source=payload.source))


@router.post("/plans/{version_id}/publish", response=PlanVersionOut)
def publish(request: HttpRequest, version_id: int):
    """Publish a draft; refused with ``incentives.plan_not_compliant`` when the check finds an error."""
    draft = get_object_or_404(PlanVersion.objects.select_related("community"), pk=version_id)
    return _out(plan_publish(actor=request.user, draft=draft))


@router.post("/plans/{version_id}/retire", response=PlanVersionOut)
def retire(request: HttpRequest, version_id: int, payload: RetireIn):
    """Take the version in force out of force without a successor (ops role, with a reason)."""
    version = get_object_or_404(PlanVersion.objects.select_related("community"), pk=version_id)
    return _out(plan_retire(actor=request.user, version=version, reason=payload.reason))


@router.post("/plans/{version_id}/payout-preview", response=PayoutPreviewOut)
def payout_preview(request: HttpRequest, version_id: int, payload: PayoutPreviewIn):
    """What an order with base B credited to a promoter would pay under this version, with today's chain."""
    require_operator(request.user)
    version = get_object_or_404(PlanVersion.objects.select_related("community"), pk=version_id)
    promoter = Promoter.objects.filter(pk=payload.promoter_id, community_id=version.community_id).first()
    if promoter is None:
        raise NotFound(NetworkError.PROMOTER_UNKNOWN, promoter_id=payload.promoter_id)
    base = parse_amount(payload.base, field="base")
    chain = chain_snapshot(promoter_id=promoter.pk)
    payouts = order_payouts_compute(version=version, order_ref="preview", chain=chain, base=base,
                                    self_purchase=payload.self_purchase)
    total = sum((p.amount for p in payouts), start=base * 0)
    return {"plan": version.plan_key, "version": version.version, "chain": [c.as_dict() for c in chain],
            "payouts": [{"promoter_id": p.promoter_id, "rule": p.rule, "amount": f"{p.amount:.2f}"}
                        for p in payouts],
            "total": f"{total:.2f}"}
