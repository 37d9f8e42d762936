"""Shapes of the inspected zone's API (验货): tasks, reports, decisions, checklists and settings."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema

from tuishou.community.models_inspections import InspectionReport, InspectionTask
from tuishou.core.inputs import Count, Id, PlainDecimal
from tuishou.core.inputs import OptionalReasonIn as ReasonIn  # noqa: F401 (the routes' shape of a reason)


class ChecklistItemOut(Schema):
    id: int
    label: str
    active: bool


class ChecklistOut(Schema):
    id: int
    category: str = Field(description="Empty: the default checklist.")
    name: str
    items: list[ChecklistItemOut]


class TaskOut(Schema):
    id: int
    product_id: int
    product_title: str
    category: str
    community_id: int
    status: str
    due_at: datetime
    note: str
    inspected: bool
    filed_by_me: bool | None = None
    reports: int | None = None


class TaskDetailOut(TaskOut):
    checklist: list[ChecklistItemOut]


class AnswerOut(Schema):
    item_id: int
    label: str
    ok: bool
    note: str


class ReportOut(Schema):
    id: int
    task_id: int
    product_id: int
    inspector_id: int
    verdict: str
    reasons: str
    status: str
    review: str
    reward: Decimal | None
    decision_reason: str
    review_reason: str
    created_at: datetime
    answers: list[AnswerOut]
    photos: list[str]


class TaskIn(Schema):
    product_id: Id
    community_id: Id
    due_at: datetime
    note: str = ""



class SettingsIn(Schema):
    inspector_rank: str = ""
    passes_required: Count = Field(..., ge=-2**31, le=2**31)
    reward: PlainDecimal = Field(..., max_digits=12, decimal_places=6)
    all_zones_rank: str = ""


class SettingsOut(Schema):
    community_id: int
    inspector_rank: str
    passes_required: int
    reward: Decimal
    all_zones_rank: str
    ranks: list[tuple[str, str]]


class ChecklistIn(Schema):
    category: str = ""
    name: str


class ChecklistItemIn(Schema):
    label: str


class ItemActiveIn(Schema):
    active: bool


class MyReportsOut(Schema):
    rewards_total: Decimal
    items: list[ReportOut]


def task_out(task: InspectionTask) -> dict:
    return {"id": task.pk, "product_id": task.product_id, "product_title": task.product.title,
            "category": task.product.category, "community_id": task.community_id, "status": task.status,
            "due_at": task.due_at, "note": task.note, "inspected": task.product.inspected,
            "filed_by_me": bool(task.mine) if hasattr(task, "mine") else None,
            "reports": getattr(task, "filed", None)}


def report_out(report: InspectionReport) -> dict:
    return {"id": report.pk, "task_id": report.task_id, "product_id": report.product_id,
            "inspector_id": report.inspector_id, "verdict": report.verdict, "reasons": report.reasons,
            "status": report.status, "review": report.review, "reward": report.reward,
            "decision_reason": report.decision_reason, "review_reason": report.review_reason,
            "created_at": report.created_at,
            "answers": [{"item_id": a.item_id, "label": a.label, "ok": a.ok, "note": a.note}
                        for a in report.answers.all()],
            "photos": [p.image.url for p in report.photos.all()]}
