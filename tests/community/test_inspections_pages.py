"""The inspected zone's pages and API: the inspector files a report at phone size with photos and the
checklist, sees it and its reward; the operator opens a task, accepts and rejects, reviews a failure, edits
checklists and settings; every page renders with bounded queries; bad input is a 4xx with a stable code."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.community import inspection_factories as f
from tests.wallets.factories import reconciled
from tuishou.catalog.models import Product
from tuishou.community import inspections as svc
from tuishou.community.models_inspections import InspectionReport, InspectionSettings, InspectionTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.world()


def _post_report(client, w, **overrides):
    data = {f"item_{item.pk}": "ok" for item in w["items"]}
    data.update({"verdict": "pass", "reasons": "", "photos": [f.png()]})
    data.update(overrides)
    return client.post(f"/centre/inspections/{w['task'].pk}/", data)


def test_the_inspector_files_a_report_on_the_phone_page(client, w, django_assert_max_num_queries):
    inspector = w["inspectors"][0]
    client.force_login(inspector.user)
    with django_assert_max_num_queries(20):
        listing = client.get("/centre/inspections/")
    assert listing.status_code == 200 and "云南高山蜂蜜" in listing.content.decode()
    page = client.get(f"/centre/inspections/{w['task'].pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and "包装完好无破损" in body and 'type="file"' in body
    assert "csrfmiddlewaretoken" in body
    missing = _post_report(client, w, **{f"item_{w['items'][1].pk}": ""})
    assert missing.status_code == 400 and InspectionReport.objects.count() == 0
    failing = _post_report(client, w, verdict="fail", reasons="")
    assert failing.status_code == 400 and 'id="id_reasons_error"' in failing.content.decode()  # beside the field
    assert "请收货后三天内提交" in failing.content.decode()  # the page keeps its content around the errors
    bad = _post_report(client, w, photos=[])
    assert bad.status_code == 400 and 'id="id_photos_error"' in bad.content.decode()
    assert InspectionReport.objects.count() == 0
    done = _post_report(client, w, **{f"note_{w['items'][0].pk}": "外箱有轻微压痕"})
    assert done.status_code == 302 and done["Location"] == "/centre/inspections/mine/"
    report = InspectionReport.objects.get()
    assert report.answers.get(item=w["items"][0]).note == "外箱有轻微压痕" and report.photos.count() == 1
    with django_assert_max_num_queries(20):
        mine = client.get("/centre/inspections/mine/")
    assert mine.status_code == 200 and "云南高山蜂蜜" in mine.content.decode()
    again = client.get(f"/centre/inspections/{w['task'].pk}/")
    assert 'data-testid="my-report"' in again.content.decode()


def test_a_member_sees_why_and_another_community_sees_nothing(client, w):
    client.force_login(w["member"].user)
    page = client.get("/centre/inspections/")
    assert page.status_code == 200 and "店主" in page.content.decode()
    refused = _post_report(client, w)
    assert refused.status_code == 400 and InspectionReport.objects.count() == 0
    from tuishou.network import services as network

    agency = network.community_create(actor=w["ops"], name="星火社群", code="XINGHUO")
    stranger = network.community_root_create(community=agency, user=f.of.user("外社群"))
    client.force_login(stranger.user)
    assert client.get(f"/centre/inspections/{w['task'].pk}/").status_code == 404


def test_the_operator_desk(client, w, django_assert_max_num_queries):
    reports = [f.file(w, p) for p in w["inspectors"][:3]]
    failing = f.file(w, w["inspectors"][3], verdict="fail", reasons="实物与图片颜色不符")
    client.force_login(w["ops"])
    for url in ("/ops/inspections/", "/ops/inspections/reviews/", "/ops/inspections/settings/",
                f"/ops/inspections/{w['task'].pk}/", "/ops/inspections/new/"):
        with django_assert_max_num_queries(30):
            page = client.get(url)
        assert page.status_code == 200, url
    assert "云南高山蜂蜜" in client.get("/ops/inspections/").content.decode()
    csv = client.get("/ops/inspections/?export=csv")
    assert csv.status_code == 200 and "云南高山蜂蜜" in b"".join(csv.streaming_content).decode("utf-8-sig")
    for report in reports:
        answer = client.post(f"/ops/inspections/reports/{report.pk}/accept/", {"reason": "照片清晰"})
        assert answer.status_code == 302
    assert Product.objects.get(pk=w["product"].pk).inspected is False  # the failure still waits
    assert "实物与图片颜色不符" in client.get("/ops/inspections/reviews/").content.decode()
    client.post(f"/ops/inspections/reports/{failing.pk}/uphold/", {"reason": ""})  # a reason is required
    assert InspectionReport.objects.get(pk=failing.pk).review == "open"
    client.post(f"/ops/inspections/reports/{failing.pk}/uphold/", {"reason": "色差明显",
                                                                    "next": "/ops/inspections/reviews/"})
    product = Product.objects.get(pk=w["product"].pk)
    assert (product.inspected, product.status) == (False, "off_shelf")
    assert client.post(f"/ops/inspections/reports/{failing.pk}/explode/").status_code == 404
    reconciled()


def test_the_operator_opens_tasks_and_edits_settings(client, w):
    client.force_login(w["ops"])
    other = f.of.sku(title="有机红茶")
    due = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    made = client.post("/ops/inspections/new/", {"product_id": other.product_id, "community_id": w["hua"].community_id,
                                                 "due_at": due, "note": "重点看包装"})
    assert made.status_code == 302 and InspectionTask.objects.filter(product_id=other.product_id).count() == 1
    twice = client.post("/ops/inspections/new/", {"product_id": other.product_id,
                                                  "community_id": w["hua"].community_id, "due_at": due})
    assert twice.status_code == 400 and InspectionTask.objects.count() == 2
    prefix = f"c{w['hua'].community_id}"
    saved = client.post("/ops/inspections/settings/", {"community": w["hua"].community_id,
                                                       f"{prefix}-inspector_rank": "member",
                                                       f"{prefix}-passes_required": "2",
                                                       f"{prefix}-reward": "8.50",
                                                       f"{prefix}-all_zones_rank": "shopkeeper"})
    assert saved.status_code == 302
    settings = InspectionSettings.objects.get(community_id=w["hua"].community_id)
    assert (settings.inspector_rank, settings.passes_required, settings.reward, settings.all_zones_rank) == (
        "member", 2, Decimal("8.50"), "shopkeeper")
    bad = client.post("/ops/inspections/settings/", {"community": w["hua"].community_id,
                                                     f"{prefix}-passes_required": "0", f"{prefix}-reward": "1"})
    assert bad.status_code == 400
    client.post("/ops/inspections/checklists/add/", {"checklist": w["checklist"].pk, "label": "保质期清晰"})
    client.post("/ops/inspections/checklists/retire/", {"item": w["items"][0].pk})
    assert [(i.label, i.active) for i in w["checklist"].items.order_by("position")] == [
        ("包装完好无破损", False), ("与详情页描述一致", True), ("保质期清晰", True)]
    client.force_login(w["member"].user)
    assert client.get("/ops/inspections/").status_code == 404
    pool = client.get("/centre/pool/")
    assert pool.status_code == 200 and 'data-testid="zone-restricted"' in pool.content.decode()


def test_the_api_end_to_end(client, w):
    inspector = w["inspectors"][0]
    client.force_login(inspector.user)
    listed = client.get("/api/v1/inspections/tasks").json()
    assert [(t["id"], t["filed_by_me"]) for t in listed] == [(w["task"].pk, False)]
    detail = client.get(f"/api/v1/inspections/tasks/{w['task'].pk}").json()
    assert [i["label"] for i in detail["checklist"]] == ["包装完好无破损", "与详情页描述一致"]
    answers = json.dumps([{"item_id": i["id"], "ok": True} for i in detail["checklist"]])
    for data, code in (({"answers": "not json"}, "community.inspection_answers_malformed"),
                       ({"answers": "[1]"}, "community.inspection_answers_malformed"),
                       ({"answers": "[]"}, "community.inspection_answers_missing"),
                       ({"answers": json.dumps([{"item_id": 99999, "ok": True}])}, "community.inspection_item_unknown"),
                       ({"verdict": "great"}, "community.inspection_verdict_invalid")):
        body = {"verdict": "pass", "answers": answers, "photos": [f.png()], **data}
        refused = client.post(f"/api/v1/inspections/tasks/{w['task'].pk}/reports", body)
        assert (refused.status_code, refused.json()["code"]) == (400, code)
    made = client.post(f"/api/v1/inspections/tasks/{w['task'].pk}/reports",
                       {"verdict": "pass", "answers": answers, "photos": [f.png()]})
    assert made.status_code == 201 and made.json()["status"] == "submitted" and len(made.json()["photos"]) == 1
    twice = client.post(f"/api/v1/inspections/tasks/{w['task'].pk}/reports",
                        {"verdict": "pass", "answers": answers, "photos": [f.png()]})
    assert (twice.status_code, twice.json()["code"]) == (409, "community.inspection_report_exists")
    assert client.post(f"/api/v1/inspections/ops/reports/{made.json()['id']}/accept", {},
                       content_type="application/json").status_code == 403
    client.force_login(w["member"].user)
    low = client.get("/api/v1/inspections/tasks")
    assert (low.status_code, low.json()["code"]) == (403, "community.inspection_rank_too_low")
    client.force_login(w["ops"])
    accepted = client.post(f"/api/v1/inspections/ops/reports/{made.json()['id']}/accept", {"reason": "好"},
                           content_type="application/json")
    assert accepted.json()["status"] == "accepted" and accepted.json()["reward"] == "5.00"
    again = client.post(f"/api/v1/inspections/ops/reports/{made.json()['id']}/accept", {},
                        content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (409, "community.inspection_already_decided")
    settings = client.put(f"/api/v1/inspections/ops/settings/{w['hua'].community_id}",
                          {"inspector_rank": "shopkeeper", "passes_required": 1, "reward": "2.00",
                           "all_zones_rank": ""}, content_type="application/json")
    assert settings.status_code == 200 and settings.json()["ranks"] == [["member", "会员"], ["shopkeeper", "店主"]]
    bad = client.put(f"/api/v1/inspections/ops/settings/{w['hua'].community_id}",
                     {"passes_required": 50, "reward": "2.00"}, content_type="application/json")
    assert (bad.status_code, bad.json()["code"]) == (400, "community.inspection_passes_invalid")
    opened = client.post("/api/v1/inspections/ops/tasks", {"product_id": w["product"].pk,
                                                           "community_id": w["hua"].community_id,
                                                           "due_at": (timezone.now() + timedelta(days=2)).isoformat()},
                         content_type="application/json")
    assert (opened.status_code, opened.json()["code"]) == (409, "community.inspection_task_exists")
    closed = client.post(f"/api/v1/inspections/ops/tasks/{w['task'].pk}/close", {"reason": "够了"},
                         content_type="application/json")
    assert closed.json()["status"] == "closed"
    assert client.get("/api/v1/inspections/ops/tasks?status=all").json()[0]["status"] == "closed"
    checklists = client.get("/api/v1/inspections/ops/checklists").json()
    assert [c["category"] for c in checklists] == ["食品"]
    item = client.post(f"/api/v1/inspections/ops/checklists/{w['checklist'].pk}/items", {"label": "无异味"},
                       content_type="application/json")
    assert item.status_code == 201
    assert client.put(f"/api/v1/inspections/ops/checklist-items/{item.json()['id']}", {"active": False},
                      content_type="application/json").json()["active"] is False
    assert client.get("/api/v1/inspections/ops/reviews").json() == []
    unknown = client.post("/api/v1/inspections/ops/reports/999999/accept", {}, content_type="application/json")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "community.inspection_report_unknown")
    reconciled()


def test_a_zero_priced_setting_and_failing_report_through_the_api(client, w):
    svc.inspection_settings_set(actor=w["ops"], community_id=w["hua"].community_id, inspector_rank="shopkeeper",
                                passes_required=3, reward="0", all_zones_rank="")
    client.force_login(w["inspectors"][0].user)
    answers = json.dumps([{"item_id": i.pk, "ok": False, "note": "漏液"} for i in w["items"]])
    made = client.post(f"/api/v1/inspections/tasks/{w['task'].pk}/reports",
                       {"verdict": "fail", "reasons": "瓶盖松动漏液", "answers": answers, "photos": [f.png()]})
    assert made.status_code == 201 and made.json()["review"] == "open"
    mine = client.get("/api/v1/inspections/reports/mine").json()
    assert mine["rewards_total"] == "0.00" and [a["note"] for a in mine["items"][0]["answers"]] == ["漏液", "漏液"]
