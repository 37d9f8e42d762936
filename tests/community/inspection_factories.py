"""Test data for the inspected zone: a community with two ranks, inspectors of the upper one, a product on sale
with a checklist for its category, an open task, and a report filed through the service."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tests.orders import factories as of
from tuishou.community import inspections as svc
from tuishou.community.models_inspections import InspectionChecklist
from tuishou.network.models import Promoter


def png(name: str = "a.png", size=(8, 8)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 160, 60)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def ranked(promoter: Promoter, rank: str = "shopkeeper") -> Promoter:
    Promoter.objects.filter(pk=promoter.pk).update(rank=rank)
    promoter.refresh_from_db()
    return promoter


def world(*, inspectors: int = 4) -> dict:
    """The official community's plan (member < shopkeeper), its root and ``inspectors`` shopkeepers, a member,
    an ops operator, a product on sale (食品) with a two-point checklist, the settings (shopkeepers inspect,
    3 passes, ¥5.00) and an open task due in a week."""
    of.plan()
    ops = of.operator("ops")
    hua = ranked(of.root("阿花"))
    people = [ranked(of.invitee(hua, f"验货员{n}")) for n in range(inspectors)]
    member = of.invitee(hua, "新人小吴")
    item = of.sku(price="59.90", stock=50)
    checklist = svc.checklist_create(actor=ops, category="食品", name="食品验货清单")
    items = [svc.checklist_item_add(actor=ops, checklist_id=checklist.pk, label=label)
             for label in ("包装完好无破损", "与详情页描述一致")]
    svc.inspection_settings_set(actor=ops, community_id=hua.community_id, inspector_rank="shopkeeper",
                                passes_required=3, reward="5.00", all_zones_rank="")
    task = svc.inspection_task_open(actor=ops, product_id=item.product_id, community_id=hua.community_id,
                                    due_at=timezone.now() + timedelta(days=7), note="请收货后三天内提交")
    return {"ops": ops, "hua": hua, "inspectors": people, "member": member, "item": item, "product": item.product,
            "checklist": checklist, "items": items, "task": task}


def answers(w: dict, ok: bool = True) -> list[dict]:
    return [{"item_id": item.pk, "ok": ok, "note": ""} for item in w["items"]]


def file(w: dict, inspector: Promoter, *, verdict: str = "pass", reasons: str = "", task=None, **kwargs):
    kwargs.setdefault("answers", answers(w, verdict == "pass"))
    kwargs.setdefault("photos", [png()])
    return svc.inspection_report_file(user=inspector.user, task_id=(task or w["task"]).pk, verdict=verdict,
                                      reasons=reasons, **kwargs)


def default_checklist_exists() -> bool:
    return InspectionChecklist.objects.filter(category="").exists()
