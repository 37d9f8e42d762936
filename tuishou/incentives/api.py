"""API for incentive plans: templates, compliance check, versions per community, payout preview. Routes parse,
call one service or selector, and render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from tuishou.core.api_roles import AGENCY_STAFF, CONSUMER, OPERATORS, OPS, allowed
from tuishou.incentives import selectors
from tuishou.incentives.models import PlanVersion
from tuishou.incentives.payouts import payout_preview as plan_payout_preview
from tuishou.incentives.proposals import (
    plan_draft_edit,
    plan_draft_start,
    plan_proposal_publish,
    plan_proposal_send_back,
    plan_propose,
    plan_source_findings,
)
from tuishou.incentives.schemas import (
    BacktestIn,
    CheckIn,
    CheckOut,
    DraftSourceIn,
    DraftStartIn,
    PayoutPreviewIn,
    PayoutPreviewOut,
    PlanSourceIn,
    PlanVersionOut,
    ProposeIn,
    RetireIn,
    SendBackIn,
    SimulationIn,
    StudyOut,
    TemplateOut,
)
from tuishou.incentives.services import (
    plan_check_source,
    plan_draft_import,
    plan_draft_update,
    plan_publish,
    plan_retire,
)
from tuishou.incentives.studies import plan_backtest_start, plan_simulation_start

router = Router(tags=["incentives"])


def _out(v: PlanVersion) -> dict:
    return {"id": v.pk, "community": v.community.code, "plan": v.plan_key, "name": v.name, "version": v.version,
            "status": v.status, "jurisdiction": v.jurisdiction, "findings": v.findings,
            "published_at": v.published_at, "retired_at": v.retired_at}


@router.get("/templates", response=list[TemplateOut], openapi_extra=allowed(CONSUMER))
def templates(request: HttpRequest):
    """The plan templates shipped with the platform, each passing the profile it declares."""
    return selectors.templates_list()


@router.get("/templates/{name}.yaml", openapi_extra=allowed(CONSUMER))
def template_yaml(request: HttpRequest, name: str):
    """A template's YAML, to start a draft from."""
    return HttpResponse(selectors.template_source(name=name), content_type="application/yaml; charset=utf-8")


@router.post("/check", response=CheckOut, openapi_extra=allowed(CONSUMER))
def check(request: HttpRequest, payload: CheckIn):
    """Check a plan document against a compliance profile without storing anything."""
    return plan_check_source(source=payload.source, profile=payload.jurisdiction,
                             after_sales_days=payload.after_sales_days)


@router.get("/communities/{code}/plans", response=list[PlanVersionOut], openapi_extra=allowed(*OPERATORS))
def versions(request: HttpRequest, code: str):
    """Every version of a community's plans, newest first."""
    return [_out(v) for v in selectors.plan_versions_for_community(actor=request.user, code=code)]


@router.post("/communities/{code}/plans", response={201: PlanVersionOut}, openapi_extra=allowed(OPS))
def draft_import(request: HttpRequest, code: str, payload: PlanSourceIn):
    """Import a YAML or JSON plan as a draft (operator, ops role); the answer carries its findings."""
    draft = plan_draft_import(actor=request.user, community=selectors.community_by_code(code=code),
                              source=payload.source)
    return Status(201, _out(draft))


@router.get("/communities/{code}/plan-in-force", response=PlanVersionOut, openapi_extra=allowed(CONSUMER))
def in_force(request: HttpRequest, code: str):
    """The version in force for a community now."""
    return _out(selectors.plan_in_force_for_community(code=code))


@router.get("/plans/{version_id}", response=PlanVersionOut, openapi_extra=allowed(*OPERATORS))
def version_detail(request: HttpRequest, version_id: int):
    return _out(selectors.plan_version_get(version_id=version_id, actor=request.user))


@router.get("/plans/{version_id}/export", openapi_extra=allowed(*OPERATORS))
def version_export(request: HttpRequest, version_id: int):
    """A version's document as it was imported (YAML or JSON)."""
    filename, source = selectors.plan_version_export(actor=request.user, version_id=version_id)
    response = HttpResponse(source, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.put("/plans/{version_id}", response=PlanVersionOut, openapi_extra=allowed(OPS))
def draft_update(request: HttpRequest, version_id: int, payload: PlanSourceIn):
    """Replace a draft's document; a published version never changes (409)."""
    return _out(plan_draft_update(actor=request.user, draft=selectors.plan_version_get(version_id=version_id),
                                  source=payload.source))


@router.post("/plans/{version_id}/publish", response=PlanVersionOut, openapi_extra=allowed(OPS))
def publish(request: HttpRequest, version_id: int):
    """Publish a draft; refused with ``incentives.plan_not_compliant`` when the check finds an error."""
    return _out(plan_publish(actor=request.user, draft=selectors.plan_version_get(version_id=version_id)))


@router.post("/plans/{version_id}/retire", response=PlanVersionOut, openapi_extra=allowed(OPS))
def retire(request: HttpRequest, version_id: int, payload: RetireIn):
    """Take the version in force out of force without a successor (ops role, with a reason)."""
    return _out(plan_retire(actor=request.user, version=selectors.plan_version_get(version_id=version_id),
                            reason=payload.reason))


@router.post("/plans/{version_id}/payout-preview", response=PayoutPreviewOut, openapi_extra=allowed(*OPERATORS))
def payout_preview(request: HttpRequest, version_id: int, payload: PayoutPreviewIn):
    """What an order with base B credited to a promoter would pay under this version, with today's chain."""
    preview = plan_payout_preview(actor=request.user, version_id=version_id, promoter_id=payload.promoter_id,
                                  base=payload.base, self_purchase=payload.self_purchase)
    return {"plan": preview.version.plan_key, "version": preview.version.version,
            "chain": [c.as_dict() for c in preview.chain],
            "payouts": [{"promoter_id": p.promoter_id, "rule": p.rule, "amount": f"{p.amount:.2f}"}
                        for p in preview.payouts],
            "total": f"{preview.total:.2f}"}


# ---- the plan studio: a community's drafts, their checks, simulations, backtests and proposals --------------
# Agency staff work on their community's drafts, ops operators on any; another community's draft is a 404.

def _study(s) -> dict:
    job = s.job
    return {"id": s.pk, "version_id": s.version_id, "kind": s.kind, "status": s.state,
            "progress": 100 if s.report is not None else (job.percent if job else 0), "params": s.params,
            "report": s.report, "error": job.error_message if job else "", "created_at": s.created_at,
            "job_id": s.job_id}


@router.post("/communities/{code}/drafts", response={201: PlanVersionOut}, openapi_extra=allowed(AGENCY_STAFF, OPS))
def draft_start(request: HttpRequest, code: str, payload: DraftStartIn):
    """Start a draft from a shipped template (``template``) or a pasted YAML/JSON document (``source``)."""
    draft = plan_draft_start(actor=request.user, community=selectors.community_by_code(code=code),
                             template=payload.template, source=payload.source)
    return Status(201, _out(draft))


@router.put("/drafts/{version_id}", response=PlanVersionOut, openapi_extra=allowed(AGENCY_STAFF, OPS))
def draft_edit(request: HttpRequest, version_id: int, payload: DraftSourceIn):
    """Replace a draft's document; a proposed draft waits for the operators (409)."""
    draft = selectors.plan_version_for_editor(actor=request.user, version_id=version_id)
    return _out(plan_draft_edit(actor=request.user, draft=draft, source=payload.source))


@router.post("/drafts/{version_id}/check", response=CheckOut, openapi_extra=allowed(AGENCY_STAFF, OPS))
def draft_check(request: HttpRequest, version_id: int, payload: DraftSourceIn):
    """The compliance findings of an edited text of the draft, without storing it (the editor's live check)."""
    draft = selectors.plan_version_for_editor(actor=request.user, version_id=version_id)
    return plan_source_findings(actor=request.user, community=draft.community, source=payload.source)


@router.post("/drafts/{version_id}/simulations", response={202: StudyOut}, openapi_extra=allowed(AGENCY_STAFF, OPS))
def draft_simulate(request: HttpRequest, version_id: int, payload: SimulationIn):
    """Queue a simulation of the draft on a synthetic community; poll ``/studies/{id}`` for progress."""
    draft = selectors.plan_version_for_editor(actor=request.user, version_id=version_id)
    study = plan_simulation_start(actor=request.user, version=draft, promoters=payload.promoters,
                                  months=payload.months, seed=payload.seed)
    return Status(202, _study(study))


@router.post("/drafts/{version_id}/backtests", response={202: StudyOut}, openapi_extra=allowed(AGENCY_STAFF, OPS))
def draft_backtest(request: HttpRequest, version_id: int, payload: BacktestIn):
    """Queue a backtest of the draft on the community's orders of a window (default: the last 3 months)."""
    draft = selectors.plan_version_for_editor(actor=request.user, version_id=version_id)
    study = plan_backtest_start(actor=request.user, version=draft, first=payload.start, last=payload.end)
    return Status(202, _study(study))


@router.get("/studies/{study_id}", response=StudyOut, openapi_extra=allowed(AGENCY_STAFF, OPS))
def study_detail(request: HttpRequest, study_id: int):
    """A simulation or backtest: its progress, then its report."""
    return _study(selectors.plan_study_for_editor(actor=request.user, study_id=study_id))


@router.post("/drafts/{version_id}/propose", response=PlanVersionOut, openapi_extra=allowed(AGENCY_STAFF, OPS))
def draft_propose(request: HttpRequest, version_id: int, payload: ProposeIn):
    """Propose the draft to the operators (409 when already proposed, 400 with an error finding)."""
    draft = selectors.plan_version_for_editor(actor=request.user, version_id=version_id)
    return _out(plan_propose(actor=request.user, draft=draft, note=payload.note))


@router.get("/proposals", response=list[PlanVersionOut], openapi_extra=allowed(*OPERATORS))
def proposals(request: HttpRequest):
    """Drafts proposed by their communities, oldest first (operators)."""
    return [_out(v) for v in selectors.plan_proposals(actor=request.user)]


@router.post("/drafts/{version_id}/publish", response=PlanVersionOut, openapi_extra=allowed(OPS))
def proposal_publish(request: HttpRequest, version_id: int):
    """Publish a proposed draft (ops); a draft nobody proposed is ``incentives.plan_not_proposed`` (409)."""
    draft = selectors.plan_version_get(version_id=version_id, actor=request.user)
    return _out(plan_proposal_publish(actor=request.user, draft=draft))


@router.post("/drafts/{version_id}/send-back", response=PlanVersionOut, openapi_extra=allowed(OPS))
def proposal_send_back(request: HttpRequest, version_id: int, payload: SendBackIn):
    """Send a proposal back to its community's draft with a reason (ops)."""
    draft = selectors.plan_version_get(version_id=version_id, actor=request.user)
    return _out(plan_proposal_send_back(actor=request.user, draft=draft, reason=payload.reason))
