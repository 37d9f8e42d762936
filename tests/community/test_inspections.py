"""The inspected zone: the badge earned exactly at N accepted passes of distinct inspectors, a failing report
flags the product, review upholds (unshelved) or dismisses (re-evaluated), rewards paid once through the ledger;
every refusal is a stable code and writes nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.community import inspection_factories as f
from tests.wallets.factories import reconciled
from tuishou.catalog.models import Product
from tuishou.community import inspections as svc
from tuishou.community.inspections_selectors import checklist_items, promoter_forced_zone
from tuishou.community.models_inspections import InspectionAnswer, InspectionPhoto, InspectionReport, InspectionTask
from tuishou.core.errors import DomainError
from tuishou.ledger.models import Account, JournalEntry, JournalLine
from tuishou.merchants.models import MerchantStaff
from tuishou.network import services as network
from tuishou.risk.models import AuditEntry
from tuishou.stores.services import store_item_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.world()


def _refused(code: str, call, **kwargs):
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    assert caught.value.code == code
    return caught.value


def _product(w) -> Product:
    return Product.objects.get(pk=w["product"].pk)


def _available(promoter) -> Decimal:
    account = Account.objects.filter(kind=Account.Kind.PROMOTER_AVAILABLE, promoter=promoter).first()
    return Decimal("0.00") if account is None else -account.balance


def test_the_badge_comes_exactly_at_the_third_accepted_pass_of_distinct_inspectors(w):
    reports = [f.file(w, inspector) for inspector in w["inspectors"][:3]]
    assert [(r.verdict, r.status, r.review) for r in reports] == [("pass", "submitted", "")] * 3
    assert InspectionAnswer.objects.filter(report=reports[0]).count() == 2
    assert list(InspectionAnswer.objects.filter(report=reports[0]).values_list("label", "ok")) == [
        ("包装完好无破损", True), ("与详情页描述一致", True)]
    svc.inspection_report_decide(actor=w["ops"], report_id=reports[0].pk, accept=True)
    svc.inspection_report_decide(actor=w["ops"], report_id=reports[1].pk, accept=True)
    assert _product(w).inspected is False  # two are not three
    svc.inspection_report_decide(actor=w["ops"], report_id=reports[2].pk, accept=True)
    product = _product(w)
    assert product.inspected is True and product.inspected_at is not None
    assert [_available(p) for p in w["inspectors"][:3]] == [Decimal("5.00")] * 3
    assert AuditEntry.objects.filter(action="community.inspection_accepted").count() == 3
    reconciled()


def test_a_rejected_pass_does_not_count_and_the_count_is_per_community_setting(w):
    reports = [f.file(w, inspector) for inspector in w["inspectors"][:3]]
    svc.inspection_report_decide(actor=w["ops"], report_id=reports[0].pk, accept=True)
    svc.inspection_report_decide(actor=w["ops"], report_id=reports[1].pk, accept=True)
    svc.inspection_report_decide(actor=w["ops"], report_id=reports[2].pk, accept=False, reason="照片不是本商品")
    assert _product(w).inspected is False and _available(w["inspectors"][2]) == Decimal("0.00")
    svc.inspection_settings_set(actor=w["ops"], community_id=w["hua"].community_id, inspector_rank="shopkeeper",
                                passes_required=2, reward="5.00", all_zones_rank="")
    fourth = f.file(w, w["inspectors"][3], verdict="fail", reasons="封口漏气")
    svc.inspection_review_resolve(actor=w["ops"], report_id=fourth.pk, uphold=False, reason="个别快递破损")
    assert _product(w).inspected is True  # two accepted passes meet the new setting once nothing is open
    reconciled()


def test_a_failing_report_blocks_the_badge_until_dismissed(w):
    reports = [f.file(w, inspector) for inspector in w["inspectors"][:3]]
    for report in reports:
        svc.inspection_report_decide(actor=w["ops"], report_id=report.pk, accept=True)
    assert _product(w).inspected is True
    failing = f.file(w, w["inspectors"][3], verdict="fail", reasons="实物与详情页克重不符",
                     answers=[{"item_id": w["items"][0].pk, "ok": True},
                              {"item_id": w["items"][1].pk, "ok": False, "note": "标 500g 实测 430g"}])
    assert (failing.review, _product(w).inspected) == ("open", False)  # flagged at once
    svc.inspection_review_resolve(actor=w["ops"], report_id=failing.pk, uphold=False, reason="复称为 498g，误差内")
    failing.refresh_from_db()
    assert (failing.review, failing.status, failing.reviewed_by) == ("dismissed", "submitted", w["ops"])
    assert _product(w).inspected is True and _product(w).status == "on_shelf"
    assert AuditEntry.objects.filter(action="community.inspection_dismissed", reason="复称为 498g，误差内").count() == 1
    _refused("community.inspection_review_not_open", svc.inspection_review_resolve, actor=w["ops"],
             report_id=failing.pk, uphold=True, reason="再看")


def test_upholding_a_failure_unshelves_the_product_pays_the_inspector_and_needs_fresh_passes(w):
    reports = [f.file(w, inspector) for inspector in w["inspectors"][:3]]
    for report in reports:
        svc.inspection_report_decide(actor=w["ops"], report_id=report.pk, accept=True)
    failing = f.file(w, w["inspectors"][3], verdict="fail", reasons="收到的是临期品")
    svc.inspection_review_resolve(actor=w["ops"], report_id=failing.pk, uphold=True, reason="商家发了临期库存")
    failing.refresh_from_db()
    product = _product(w)
    assert (failing.review, failing.status, failing.reward) == ("upheld", "accepted", Decimal("5.00"))
    assert (product.inspected, product.status) == (False, "off_shelf")
    assert product.status_changes.last().reason == "验货未通过：商家发了临期库存"
    assert AuditEntry.objects.filter(action="catalog.product_unshelved").count() == 1
    assert AuditEntry.objects.filter(action="community.inspection_upheld").count() == 1
    assert _available(w["inspectors"][3]) == Decimal("5.00")
    assert svc.inspection_badge_evaluate(product_id=product.pk) is False  # the old passes no longer count
    reconciled()


def test_the_reward_is_paid_exactly_once(w):
    report = f.file(w, w["inspectors"][0])
    svc.inspection_report_decide(actor=w["ops"], report_id=report.pk, accept=True, reason="照片清晰")
    before = (JournalEntry.objects.count(), JournalLine.objects.count())
    _refused("community.inspection_already_decided", svc.inspection_report_decide, actor=w["ops"],
             report_id=report.pk, accept=True)
    _refused("community.inspection_already_decided", svc.inspection_report_decide, actor=w["ops"],
             report_id=report.pk, accept=False, reason="改主意")
    assert (JournalEntry.objects.count(), JournalLine.objects.count()) == before
    entry = JournalEntry.objects.get(key=f"inspection-reward:{report.pk}")
    assert entry.kind == "inspection_reward"
    assert list(entry.lines.order_by("id").values_list("account__kind", "amount")) == [
        ("commission_expense", Decimal("5.00")), ("promoter_available", Decimal("-5.00"))]
    assert _available(w["inspectors"][0]) == Decimal("5.00")
    reconciled()


def test_a_zero_reward_accepts_without_an_entry(w):
    svc.inspection_settings_set(actor=w["ops"], community_id=w["hua"].community_id, inspector_rank="",
                                passes_required=1, reward="0", all_zones_rank="")
    report = f.file(w, w["member"])
    svc.inspection_report_decide(actor=w["ops"], report_id=report.pk, accept=True)
    assert not JournalEntry.objects.filter(kind="inspection_reward").exists() and _product(w).inspected is True


def _nothing_written(counts_before):
    assert (InspectionReport.objects.count(), InspectionPhoto.objects.count(),
            InspectionAnswer.objects.count()) == counts_before


def test_who_may_not_file(w):
    _refused("community.inspection_rank_too_low", f.file, w=w, inspector=w["member"])
    staff = f.ranked(f.of.invitee(w["hua"], "商家店员"))
    MerchantStaff.objects.create(user=staff.user, merchant=w["product"].merchant, role="staff")
    _refused("community.inspection_own_product", f.file, w=w, inspector=staff)
    _refused("network.not_a_promoter", svc.inspection_report_file, user=w["ops"], task_id=w["task"].pk,
             verdict="pass", answers=f.answers(w), photos=[f.png()])
    _refused("community.inspection_task_unknown", f.file, w=w, inspector=w["inspectors"][0],
             task=InspectionTask(pk=w["task"].pk + 999))
    _nothing_written((0, 0, 0))


def test_outside_the_zone_twice_closed_or_overdue(w):
    agency = network.community_create(actor=w["ops"], name="星火社群", code="XINGHUO")
    stranger = f.ranked(network.community_root_create(community=agency, user=f.of.user("外社群")))
    _refused("community.inspection_outside_zone", f.file, w=w, inspector=stranger)
    first = f.file(w, w["inspectors"][0])
    _refused("community.inspection_report_exists", f.file, w=w, inspector=w["inspectors"][0])
    InspectionTask.objects.filter(pk=w["task"].pk).update(due_at=timezone.now() - timedelta(minutes=1))
    _refused("community.inspection_task_closed", f.file, w=w, inspector=w["inspectors"][1])
    InspectionTask.objects.filter(pk=w["task"].pk).update(due_at=timezone.now() + timedelta(days=1))
    svc.inspection_task_close(actor=w["ops"], task_id=w["task"].pk, reason="已收齐")
    _refused("community.inspection_task_closed", f.file, w=w, inspector=w["inspectors"][1])
    _refused("community.inspection_task_closed", svc.inspection_task_close, actor=w["ops"], task_id=w["task"].pk,
             reason="再关")
    _nothing_written((1, 1, 2))
    assert InspectionReport.objects.get() == first


def test_bad_photos_answers_and_verdicts_write_nothing(w):
    who = w["inspectors"][0]
    one, two = w["items"]
    cases = [
        ("community.inspection_photos_missing", {"photos": []}),
        ("community.inspection_photos_too_many", {"photos": [f.png(f"{n}.png") for n in range(10)]}),
        ("community.inspection_photo_invalid",
         {"photos": [SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", content_type="image/png")]}),
        ("community.inspection_photo_invalid",
         {"photos": [SimpleUploadedFile("e.jpg", b"", content_type="image/jpeg")]}),
        ("community.inspection_item_unknown", {"answers": [*f.answers(w), {"item_id": two.pk + 99, "ok": True}]}),
        ("community.inspection_item_unknown", {"answers": [{"item_id": "1", "ok": True}]}),
        ("community.inspection_answer_twice", {"answers": [*f.answers(w), {"item_id": one.pk, "ok": False}]}),
        ("community.inspection_answers_missing", {"answers": [{"item_id": one.pk, "ok": True}]}),
        ("community.inspection_answers_missing", {"answers": [{"item_id": one.pk, "ok": "yes"},
                                                              {"item_id": two.pk, "ok": True}]}),
        ("community.inspection_note_too_long", {"answers": [{"item_id": one.pk, "ok": True, "note": "字" * 201},
                                                            {"item_id": two.pk, "ok": True}]}),
        ("community.inspection_verdict_invalid", {"verdict": "maybe"}),
        ("community.inspection_reasons_missing", {"verdict": "fail", "reasons": "  "}),
        ("community.inspection_reasons_too_long", {"verdict": "fail", "reasons": "坏" * 1001}),
    ]
    for code, kwargs in cases:
        _refused(code, f.file, w=w, inspector=who, **kwargs)
    _nothing_written((0, 0, 0))
    assert _product(w).inspected is False


def test_operator_inputs_are_checked(w):
    ops, community = w["ops"], w["hua"].community_id
    soon = timezone.now() + timedelta(days=3)
    _refused("community.inspection_task_exists", svc.inspection_task_open, actor=ops,
             product_id=w["product"].pk, community_id=community, due_at=soon)
    _refused("community.inspection_due_invalid", svc.inspection_task_open, actor=ops, product_id=w["product"].pk,
             community_id=community, due_at=timezone.now() - timedelta(hours=1))
    _refused("community.inspection_due_invalid", svc.inspection_task_open, actor=ops, product_id=w["product"].pk,
             community_id=community, due_at=timezone.now() + timedelta(days=91))
    _refused("community.inspection_product_unavailable", svc.inspection_task_open, actor=ops,
             product_id=w["product"].pk + 999, community_id=community, due_at=soon)
    _refused("community.inspection_community_unknown", svc.inspection_task_open, actor=ops,
             product_id=w["product"].pk, community_id=community + 999, due_at=soon)
    _refused("auth.forbidden", svc.inspection_task_open, actor=w["hua"].user, product_id=w["product"].pk,
             community_id=community, due_at=soon)
    for kwargs, code in (({"inspector_rank": "boss"}, "community.inspection_rank_unknown"),
                         ({"all_zones_rank": "boss"}, "community.inspection_rank_unknown"),
                         ({"passes_required": 0}, "community.inspection_passes_invalid"),
                         ({"passes_required": 21}, "community.inspection_passes_invalid"),
                         ({"passes_required": True}, "community.inspection_passes_invalid"),
                         ({"reward": "-1"}, "community.inspection_reward_invalid"),
                         ({"reward": "1.005"}, "community.inspection_reward_invalid"),
                         ({"reward": "abc"}, "community.inspection_reward_invalid"),
                         ({"reward": "NaN"}, "community.inspection_reward_invalid")):
        args = {"inspector_rank": "", "passes_required": 3, "reward": "5", "all_zones_rank": "", **kwargs}
        _refused(code, svc.inspection_settings_set, actor=ops, community_id=community, **args)
    _refused("community.inspection_checklist_exists", svc.checklist_create, actor=ops, category="食品", name="再来")
    _refused("community.inspection_label_invalid", svc.checklist_item_add, actor=ops,
             checklist_id=w["checklist"].pk, label=" ")
    _refused("community.inspection_reason_invalid", svc.inspection_report_decide, actor=ops,
             report_id=f.file(w, w["inspectors"][0]).pk, accept=False, reason="")
    assert InspectionTask.objects.count() == 1


def test_a_retired_item_is_no_longer_asked_and_the_default_checklist_serves_other_categories(w):
    svc.checklist_item_active_set(actor=w["ops"], item_id=w["items"][1].pk, active=False)
    report = f.file(w, w["inspectors"][0], answers=[{"item_id": w["items"][0].pk, "ok": True}])
    assert report.answers.count() == 1
    _refused("community.inspection_item_unknown", f.file, w=w, inspector=w["inspectors"][1])  # the retired one
    default = svc.checklist_create(actor=w["ops"], category="", name="通用验货清单")
    item = svc.checklist_item_add(actor=w["ops"], checklist_id=default.pk, label="外观无瑕疵")
    assert checklist_items("家居") == [item] and checklist_items("食品") == [w["items"][0]]


def test_the_zone_rule_limits_what_a_low_rank_picks(w):
    svc.inspection_settings_set(actor=w["ops"], community_id=w["hua"].community_id, inspector_rank="shopkeeper",
                                passes_required=3, reward="5.00", all_zones_rank="shopkeeper")
    assert promoter_forced_zone(w["member"]) == "inspected" and promoter_forced_zone(w["inspectors"][0]) is None
    error = _refused("community.zone_restricted", store_item_add, user=w["member"].user,
                     product_id=w["product"].pk)
    assert error.params["rank"] == "店主"
    store_item_add(user=w["inspectors"][0].user, product_id=w["product"].pk)
    Product.objects.filter(pk=w["product"].pk).update(inspected=True)
    assert store_item_add(user=w["member"].user, product_id=w["product"].pk).product_id == w["product"].pk
