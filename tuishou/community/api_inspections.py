"""API routes of the inspected zone (验货, ``/api/v1/inspections``): inspectors see the open tasks of their
community and file reports (multipart: photos, the checklist answers as JSON, a verdict); operators open and
close tasks, accept or reject reports (an accepted one pays the community's reward once), review failures,
and edit checklists and each community's settings."""

from __future__ import annotations

import json

from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from tuishou.accounts.permissions import require_user
from tuishou.community import inspections, inspections_selectors
from tuishou.community.inspections_errors import InspectionError
from tuishou.community.schemas_inspections import (
    ChecklistIn,
    ChecklistItemOut,
    ChecklistOut,
    ItemActiveIn,
    MyReportsOut,
    ReasonIn,
    ReportOut,
    SettingsIn,
    SettingsOut,
    TaskDetailOut,
    TaskIn,
    TaskOut,
    report_out,
    task_out,
)
from tuishou.community.schemas_inspections import (
    ChecklistItemIn as ItemIn,
)
from tuishou.core.api_roles import OPS, PROMOTER, allowed
from tuishou.core.errors import InvalidInput, PermissionDenied
from tuishou.network.selectors import promoter_for_user

router = Router(tags=["inspections"])


def _answers(text: str) -> list[dict]:
    try:
        answers = json.loads(text or "[]")
    except ValueError:
        answers = None
    if not isinstance(answers, list) or not all(isinstance(a, dict) for a in answers):
        raise InvalidInput(InspectionError.ANSWERS_MALFORMED, details={"field": "answers"})
    return answers


# ---- inspectors ----------------------------------------------------------------------------------------------

@router.get("/tasks", response=list[TaskOut], openapi_extra=allowed(PROMOTER))
def tasks(request: HttpRequest):
    """Open tasks of my community, soonest due first (``inspection_rank_too_low`` below the community's rank)."""
    promoter = promoter_for_user(require_user(request.user))
    standing = inspections_selectors.inspector_standing(promoter)
    if not standing.allowed:
        raise PermissionDenied(InspectionError.RANK_TOO_LOW, rank=standing.rank_needed)
    return [task_out(t) for t in inspections_selectors.tasks_open_for(promoter)[:200]]


@router.get("/tasks/{int:task_id}", response=TaskDetailOut, openapi_extra=allowed(PROMOTER))
def task(request: HttpRequest, task_id: int):
    """A task of my community with the checklist to answer."""
    promoter = promoter_for_user(require_user(request.user))
    found = inspections_selectors.task_for_inspector(promoter, task_id)
    items = inspections_selectors.checklist_items(found.product.category)
    return {**task_out(found), "checklist": [{"id": i.pk, "label": i.label, "active": i.active} for i in items]}


@router.post("/tasks/{int:task_id}/reports", response={201: ReportOut}, openapi_extra=allowed(PROMOTER))
def report_file(request: HttpRequest, task_id: int, verdict: Form[str], answers: Form[str] = "[]",
                reasons: Form[str] = "", photos: File[list[UploadedFile]] = None):
    """File my report (multipart): ``verdict`` (pass / fail), ``reasons`` (required when it fails), ``answers``
    (JSON: ``[{"item_id": 1, "ok": true, "note": ""}, …]``, every point of the checklist once), 1–9 ``photos``."""
    report = inspections.inspection_report_file(user=require_user(request.user), task_id=task_id, verdict=verdict,
                                                reasons=reasons, answers=_answers(answers),
                                                photos=list(photos or []))
    return Status(201, report_out(report))


@router.get("/reports/mine", response=MyReportsOut, openapi_extra=allowed(PROMOTER))
def reports_mine(request: HttpRequest):
    """My reports, newest first, and what the accepted ones paid."""
    promoter = promoter_for_user(require_user(request.user))
    return {"rewards_total": inspections_selectors.rewards_total(promoter),
            "items": [report_out(r) for r in inspections_selectors.reports_of(promoter)[:200]]}


# ---- operators (ops) -----------------------------------------------------------------------------------------

@router.get("/ops/tasks", response=list[TaskOut], openapi_extra=allowed(OPS))
def ops_tasks(request: HttpRequest, status: str = "open"):
    """Tasks by status (``open``, ``closed``, or ``all``), due soonest first."""
    rows = inspections_selectors.tasks_for_operator(user=request.user).select_related("product")
    if status != "all":
        rows = rows.filter(status=status)
    return [task_out(t) for t in rows.order_by("due_at", "pk")[:500]]


@router.post("/ops/tasks", response={201: TaskOut}, openapi_extra=allowed(OPS))
def ops_task_open(request: HttpRequest, payload: TaskIn):
    """Open a task for a product on sale in a community, due within 90 days."""
    made = inspections.inspection_task_open(actor=request.user, product_id=payload.product_id,
                                            community_id=payload.community_id, due_at=payload.due_at,
                                            note=payload.note)
    return Status(201, task_out(inspections_selectors.task_get(made.pk)))


@router.post("/ops/tasks/{int:task_id}/close", response=TaskOut, openapi_extra=allowed(OPS))
def ops_task_close(request: HttpRequest, task_id: int, payload: ReasonIn):
    """Close a task with a reason: no more reports."""
    inspections.inspection_task_close(actor=request.user, task_id=task_id, reason=payload.reason)
    return task_out(inspections_selectors.task_get(task_id))


@router.get("/ops/tasks/{int:task_id}/reports", response=list[ReportOut], openapi_extra=allowed(OPS))
def ops_task_reports(request: HttpRequest, task_id: int):
    _task, reports = inspections_selectors.task_reports(user=request.user, task_id=task_id)
    return [report_out(r) for r in reports]


@router.get("/ops/reviews", response=list[ReportOut], openapi_extra=allowed(OPS))
def ops_reviews(request: HttpRequest):
    """Failing reports waiting for review, oldest first."""
    return [report_out(r) for r in inspections_selectors.review_queue(user=request.user)[:200]]


def _decided(request: HttpRequest, report_id: int) -> dict:
    return report_out(inspections_selectors.report_get(user=request.user, report_id=report_id))


@router.post("/ops/reports/{int:report_id}/accept", response=ReportOut, openapi_extra=allowed(OPS))
def ops_accept(request: HttpRequest, report_id: int, payload: ReasonIn):
    """Accept a report: the inspector is paid the community's reward (once)."""
    inspections.inspection_report_decide(actor=request.user, report_id=report_id, accept=True,
                                         reason=payload.reason)
    return _decided(request, report_id)


@router.post("/ops/reports/{int:report_id}/reject", response=ReportOut, openapi_extra=allowed(OPS))
def ops_reject(request: HttpRequest, report_id: int, payload: ReasonIn):
    """Reject a report with a reason (a rejected failing report no longer flags the product)."""
    inspections.inspection_report_decide(actor=request.user, report_id=report_id, accept=False,
                                         reason=payload.reason)
    return _decided(request, report_id)


@router.post("/ops/reports/{int:report_id}/dismiss", response=ReportOut, openapi_extra=allowed(OPS))
def ops_dismiss(request: HttpRequest, report_id: int, payload: ReasonIn):
    """Dismiss a failure with a reason: the badge rule runs again."""
    inspections.inspection_review_resolve(actor=request.user, report_id=report_id, uphold=False,
                                          reason=payload.reason)
    return _decided(request, report_id)


@router.post("/ops/reports/{int:report_id}/uphold", response=ReportOut, openapi_extra=allowed(OPS))
def ops_uphold(request: HttpRequest, report_id: int, payload: ReasonIn):
    """Uphold a failure with a reason: the badge goes and the product leaves the shelf."""
    inspections.inspection_review_resolve(actor=request.user, report_id=report_id, uphold=True,
                                          reason=payload.reason)
    return _decided(request, report_id)


@router.get("/ops/settings", response=list[SettingsOut], openapi_extra=allowed(OPS))
def ops_settings(request: HttpRequest):
    """Every active community's settings (defaults where never set) with the ranks of its plan."""
    return [{"community_id": c.pk, "inspector_rank": s.inspector_rank, "passes_required": s.passes_required,
             "reward": s.reward, "all_zones_rank": s.all_zones_rank, "ranks": ranks}
            for c, s, ranks in inspections_selectors.inspection_settings_all(user=request.user)]


@router.put("/ops/settings/{int:community_id}", response=SettingsOut, openapi_extra=allowed(OPS))
def ops_settings_set(request: HttpRequest, community_id: int, payload: SettingsIn):
    """Set a community's lowest inspector rank, passes required (1–20), reward and the rank that sees every
    zone (below it: the inspected zone only)."""
    saved = inspections.inspection_settings_set(
        actor=request.user, community_id=community_id, inspector_rank=payload.inspector_rank,
        passes_required=payload.passes_required, reward=payload.reward, all_zones_rank=payload.all_zones_rank)
    return {"community_id": community_id, "inspector_rank": saved.inspector_rank,
            "passes_required": saved.passes_required, "reward": saved.reward,
            "all_zones_rank": saved.all_zones_rank, "ranks": inspections_selectors.community_ranks(community_id)}


def _checklist(checklist) -> dict:
    return {"id": checklist.pk, "category": checklist.category, "name": checklist.name,
            "items": [{"id": i.pk, "label": i.label, "active": i.active} for i in checklist.items.all()]}


@router.get("/ops/checklists", response=list[ChecklistOut], openapi_extra=allowed(OPS))
def ops_checklists(request: HttpRequest):
    return [_checklist(c) for c in inspections_selectors.checklists_all(user=request.user)]


@router.post("/ops/checklists", response={201: ChecklistOut}, openapi_extra=allowed(OPS))
def ops_checklist_create(request: HttpRequest, payload: ChecklistIn):
    """A checklist for a category (empty category: the default one)."""
    made = inspections.checklist_create(actor=request.user, category=payload.category, name=payload.name)
    return Status(201, _checklist(made))


@router.post("/ops/checklists/{int:checklist_id}/items", response={201: ChecklistItemOut}, openapi_extra=allowed(OPS))
def ops_item_add(request: HttpRequest, checklist_id: int, payload: ItemIn):
    item = inspections.checklist_item_add(actor=request.user, checklist_id=checklist_id, label=payload.label)
    return Status(201, {"id": item.pk, "label": item.label, "active": item.active})


@router.put("/ops/checklist-items/{int:item_id}", response=ChecklistItemOut, openapi_extra=allowed(OPS))
def ops_item_active(request: HttpRequest, item_id: int, payload: ItemActiveIn):
    """Retire (``active: false``) or restore a point to check."""
    item = inspections.checklist_item_active_set(actor=request.user, item_id=item_id, active=payload.active)
    return {"id": item.pk, "label": item.label, "active": item.active}
