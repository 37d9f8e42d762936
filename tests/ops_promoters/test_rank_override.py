"""A rank set by hand: one of the plan's ranks, kept through the nightly evaluation until an operator clears the
override; then the evaluation decides again."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.network import factories as nf
from tests.orders import factories as of
from tuishou.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tuishou.incentives.evaluation import ranks_evaluate
from tuishou.incentives.rank_override import (
    community_rank_choices,
    promoter_rank_override_clear,
    promoter_rank_override_set,
)
from tuishou.network.models import Promoter, RankRecord
from tuishou.network.services import community_official_get, promoter_rank_set
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db


def _rank(promoter) -> tuple[str, bool]:
    row = Promoter.objects.get(pk=promoter.pk)
    return row.rank, row.rank_locked


def test_a_rank_set_by_hand_survives_the_evaluation_until_cleared():
    of.plan()  # member < shopkeeper (personal volume ≥ 100.00 in 30 days); nobody here sold anything
    ops = nf.operator("ops")
    kept, control = nf.root(display_name="阿花"), nf.root(display_name="小李")
    promoter_rank_set(control, "shopkeeper", source="evaluation", effective_at=timezone.now())

    promoter_rank_override_set(actor=ops, promoter_id=kept.pk, rank="shopkeeper", reason="线下大客户，特批店主")

    assert _rank(kept) == ("shopkeeper", True)
    record = RankRecord.objects.filter(promoter=kept).get()
    assert (record.previous_rank, record.rank, record.source, record.reason, record.actor_id, record.plan_id) == (
        "", "shopkeeper", "operator", "线下大客户，特批店主", ops.pk, "shop")
    audit = AuditEntry.objects.get(action="network.rank_set")
    assert (audit.target_id, audit.reason, audit.data) == (
        str(kept.pk), "线下大客户，特批店主", {"rank": "shopkeeper", "previous_rank": "", "locked": True})

    summary = ranks_evaluate(community=community_official_get())

    assert (summary.promoters, summary.promoted, summary.demoted) == (2, 0, 1)
    assert _rank(kept) == ("shopkeeper", True)
    assert _rank(control) == ("member", False)

    promoter_rank_override_clear(actor=ops, promoter_id=kept.pk, reason="特批到期")
    assert _rank(kept) == ("shopkeeper", False)  # kept until the evaluation decides again
    assert AuditEntry.objects.filter(action="network.rank_override_cleared").get().data == {"rank": "shopkeeper"}

    ranks_evaluate(community=community_official_get())
    assert _rank(kept) == ("member", False)
    assert list(RankRecord.objects.filter(promoter=kept).order_by("id").values_list("rank", "source")) == [
        ("shopkeeper", "operator"), ("member", "evaluation")]


def test_rank_choices_are_the_plan_in_force():
    of.plan()
    assert community_rank_choices(community_id=community_official_get().pk) == [
        ("member", "会员"), ("shopkeeper", "店主")]
    assert community_rank_choices(community_id=nf.agency().pk) == []


def test_bad_rank_requests_are_refused_and_write_nothing():
    of.plan()
    ops, promoter = nf.operator("ops"), nf.root()

    with pytest.raises(InvalidInput) as unknown:
        promoter_rank_override_set(actor=ops, promoter_id=promoter.pk, rank="king", reason="x")
    assert (unknown.value.code, unknown.value.details) == ("incentives.rank_unknown", {"field": "rank"})
    with pytest.raises(InvalidInput) as no_reason:
        promoter_rank_override_set(actor=ops, promoter_id=promoter.pk, rank="shopkeeper", reason=" ")
    assert no_reason.value.code == "network.action_reason_missing"
    with pytest.raises(NotFound) as missing:
        promoter_rank_override_set(actor=ops, promoter_id=987654, rank="shopkeeper", reason="x")
    assert missing.value.code == "network.promoter_unknown"
    with pytest.raises(PermissionDenied):
        promoter_rank_override_set(actor=nf.operator("finance"), promoter_id=promoter.pk, rank="shopkeeper",
                                   reason="x")
    with pytest.raises(Conflict) as not_overridden:
        promoter_rank_override_clear(actor=ops, promoter_id=promoter.pk, reason="x")
    assert not_overridden.value.code == "network.rank_not_overridden"

    assert _rank(promoter) == ("", False)
    assert not RankRecord.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="network.rank").exists()

    promoter_rank_override_set(actor=ops, promoter_id=promoter.pk, rank="shopkeeper", reason="特批")
    with pytest.raises(Conflict) as unchanged:
        promoter_rank_override_set(actor=ops, promoter_id=promoter.pk, rank="shopkeeper", reason="again")
    assert unchanged.value.code == "incentives.rank_unchanged"
    assert RankRecord.objects.count() == 1


def test_locking_the_rank_the_promoter_already_has_is_audited_without_a_rank_change():
    of.plan()
    ops, promoter = nf.operator("ops"), nf.root()
    promoter_rank_set(promoter, "shopkeeper", source="evaluation", effective_at=timezone.now())

    promoter_rank_override_set(actor=ops, promoter_id=promoter.pk, rank="shopkeeper", reason="保级")

    assert _rank(promoter) == ("shopkeeper", True)
    assert RankRecord.objects.filter(promoter=promoter).count() == 1
    assert AuditEntry.objects.get(action="network.rank_set").data == {
        "rank": "shopkeeper", "previous_rank": "shopkeeper", "locked": True}


def test_no_plan_in_force_means_no_rank_to_set():
    ops, promoter = nf.operator("ops"), nf.root()
    with pytest.raises(NotFound) as refused:
        promoter_rank_override_set(actor=ops, promoter_id=promoter.pk, rank="shopkeeper", reason="x")
    assert refused.value.code == "incentives.no_plan_in_force"
    assert _rank(promoter) == ("", False)
