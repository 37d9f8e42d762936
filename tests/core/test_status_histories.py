"""Operators' decisions on merchants, applications and plans move statuses through the one helper, with the
operator and the reason recorded, and a refused decision writes nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.merchants import factories as mf
from tests.network import factories as nf
from tuishou.core.errors import Conflict
from tuishou.incentives.models import PlanVersion, PlanVersionStatusChange
from tuishou.incentives.services import plan_draft_import, plan_publish, plan_retire
from tuishou.merchants.models import Merchant, MerchantApplication, MerchantStatusChange
from tuishou.merchants.services import merchant_application_reject, merchant_reactivate, merchant_suspend

pytestmark = pytest.mark.django_db

PLAN = """
id: shop
name: 店铺分佣
jurisdiction: cn
ranks: [{id: member, name: 会员}]
rules:
  - {id: direct, type: direct, rate: "0.30"}
settlement: {freeze_days: 15, after: received}
"""


def test_a_suspension_and_its_lifting_are_recorded_with_the_operator_and_the_reason():
    ops, shop = mf.operator(), mf.merchant()
    merchant_suspend(actor=ops, merchant_id=shop.pk, reason="资质过期")
    merchant_reactivate(actor=ops, merchant_id=shop.pk)
    assert Merchant.objects.values_list("status", "suspend_reason").get() == ("active", "")
    assert list(MerchantStatusChange.objects.values_list("from_status", "to_status", "actor", "reason")) == [
        ("active", "suspended", ops.pk, "资质过期"), ("suspended", "active", ops.pk, "reactivated")]


def test_a_rejected_application_is_stamped_once_and_a_second_review_writes_nothing():
    ops = mf.operator()
    application = mf.application()
    rejected = merchant_application_reject(actor=ops, application_id=application.pk, reason="执照模糊")
    assert (rejected.status, rejected.reviewed_by, rejected.reject_reason) == ("rejected", ops, "执照模糊")
    reviewed_at = MerchantApplication.objects.get().reviewed_at
    assert reviewed_at is not None and reviewed_at == rejected.reviewed_at
    with pytest.raises(Conflict) as refused:
        merchant_application_reject(actor=mf.operator(), application_id=application.pk, reason="再拒")
    assert (refused.value.code, refused.value.details) == ("merchants.application_already_reviewed",
                                                           {"status": "rejected"})
    assert MerchantApplication.objects.values_list("reviewed_by", "reviewed_at", "reject_reason").get() == (
        ops.pk, reviewed_at, "执照模糊")


def test_publishing_and_retiring_plans_are_recorded_with_the_operator_and_the_reason():
    ops, community = nf.operator("ops"), nf.official()
    start = timezone.now() - timedelta(days=30)
    first = plan_publish(actor=ops, draft=plan_draft_import(actor=ops, community=community, source=PLAN), at=start)
    second = plan_publish(actor=ops, draft=plan_draft_import(actor=ops, community=community, source=PLAN),
                          at=start + timedelta(days=10))
    plan_retire(actor=ops, version=second, reason="规则调整")
    assert list(PlanVersion.objects.order_by("pk").values_list("version", "status", "published_at")) == [
        (1, "retired", start), (2, "retired", start + timedelta(days=10))]
    assert PlanVersion.objects.get(pk=first.pk).retired_at == start + timedelta(days=10)
    assert list(PlanVersionStatusChange.objects.values_list("plan_version", "from_status", "to_status", "actor",
                                                            "reason")) == [
        (first.pk, "draft", "published", ops.pk, "published"),
        (first.pk, "published", "retired", ops.pk, f"replaced by draft #{second.pk}"),
        (second.pk, "draft", "published", ops.pk, "published"),
        (second.pk, "published", "retired", ops.pk, "规则调整")]


def _history_cells(page: str) -> list[tuple[str, str]]:
    return re.findall(r'field-(from_status|to_status|actor|reason)">\s*<p>(?:<a [^>]*>)?([^<]*)', page)


def test_the_back_office_shows_each_aggregates_status_history(admin_client):
    ops, shop = mf.operator("ops"), mf.merchant()
    merchant_suspend(actor=ops, merchant_id=shop.pk, reason="资质过期")
    version = plan_publish(actor=ops, draft=plan_draft_import(actor=ops, community=nf.official(), source=PLAN))
    merchant_page = admin_client.get(f"/admin/merchants/merchant/{shop.pk}/change/").content.decode()
    plan_page = admin_client.get(f"/admin/incentives/planversion/{version.pk}/change/").content.decode()
    assert _history_cells(merchant_page) == [("from_status", "active"), ("to_status", "suspended"),
                                             ("actor", str(ops)), ("reason", "资质过期")]
    assert _history_cells(plan_page) == [("from_status", "draft"), ("to_status", "published"), ("actor", str(ops)),
                                         ("reason", "published")]
