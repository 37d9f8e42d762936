"""Materials reward periods: the split formula (pure), funding, preview, settling exactly once into the authors'
wallets through the ledger, cancelling, and every refusal writing nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.concurrency import at_once, errors_of
from tuishou.community import rewards
from tuishou.community.models import RewardLine, RewardPeriod, RewardPeriodStatusChange
from tuishou.community.rewards_split import pool_split
from tuishou.core.errors import DomainError
from tuishou.ledger.models import Account, JournalEntry
from tuishou.ledger.reconcile import reconcile_run
from tuishou.network.models import Promoter
from tuishou.risk.models import AuditEntry

D = Decimal
K = Account.Kind


# ---- the formula, pure --------------------------------------------------------------------------------------

def test_split_is_proportional_and_rounds_to_the_fen_with_the_remainder_to_the_largest_fractions():
    split = pool_split(pool=D("100.00"), weights={3: D("1"), 1: D("1"), 2: D("1")}, cap_share=D("1"))
    assert split.amounts == {1: D("33.34"), 2: D("33.33"), 3: D("33.33")} and split.returned == D("0.00")
    split = pool_split(pool=D("10.00"), weights={1: D("2"), 2: D("1"), 3: D("0")}, cap_share=D("1"))
    assert split.amounts == {1: D("6.67"), 2: D("3.33")} and split.returned == D("0.00")


def test_split_caps_an_author_and_redistributes_the_cut_then_returns_what_nobody_may_take():
    # 3 : 1 of 100 is 75 : 25; the cap of 60 holds the first at 60 and the other gets the 40 left
    split = pool_split(pool=D("100.00"), weights={1: D("3"), 2: D("1")}, cap_share=D("0.6"))
    assert (split.amounts, split.capped, split.returned, split.cap) == (
        {1: D("60.00"), 2: D("40.00")}, frozenset({1}), D("0.00"), D("60.00"))
    # both reach a cap of 40: 20 returns
    split = pool_split(pool=D("100.00"), weights={1: D("3"), 2: D("1")}, cap_share=D("0.4"))
    assert (split.amounts, split.capped, split.returned) == ({1: D("40.00"), 2: D("40.00")}, {1, 2}, D("20.00"))
    # nobody eligible: the whole pool returns; a cap below a fen pays nothing
    assert pool_split(pool=D("50.00"), weights={}, cap_share=D("0.3")).returned == D("50.00")
    assert pool_split(pool=D("0.01"), weights={1: D("1")}, cap_share=D("0.5")).returned == D("0.01")


def test_split_always_pays_plus_returns_the_pool_exactly():
    weights = {i: D(i * 7 % 11 + 1) / 3 for i in range(1, 30)}
    for pool in (D("0.07"), D("999.99"), D("123456.78")):
        for cap in (D("0.05"), D("0.2"), D("1")):
            split = pool_split(pool=pool, weights=weights, cap_share=cap)
            assert sum(split.amounts.values()) + split.returned == pool
            assert all(amount <= split.cap for amount in split.amounts.values())


# ---- the period, end to end ---------------------------------------------------------------------------------

@pytest.fixture
def world(reward_world):
    return reward_world


def _period(world, **changes):
    fields = {"actor": world["ops"], "title": "十一月素材奖励", "starts_on": world["starts"], "ends_on": world["ends"],
              "pool": "100.00", "cap_share": "0.6", "min_rating": "3.5", "min_ratings": 3,
              "community_id": world["community"]}
    return rewards.reward_period_create(**{**fields, **changes})


def _refused(code, call, **kwargs):
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    assert caught.value.code == code
    return caught.value


def _available(promoter):
    account = Account.objects.filter(kind=K.PROMOTER_AVAILABLE, promoter=promoter).first()
    return account.amount if account else D("0.00")


def _ledger():
    return (JournalEntry.objects.count(), RewardLine.objects.count(), AuditEntry.objects.count(),
            RewardPeriodStatusChange.objects.count())


def test_a_funded_period_settles_once_into_the_authors_wallets_by_the_formula(world):
    period = _period(world)
    assert period.status == "draft"
    rewards.reward_period_fund(actor=world["finance"], period_id=period.pk)
    pool = Account.objects.get(kind=K.MATERIALS_REWARD_POOL)
    assert (pool.amount, Account.objects.get(kind=K.MARKETING_EXPENSE).amount) == (D("100.00"), D("100.00"))

    preview = rewards.reward_period_preview(actor=world["ops"], period_id=period.pk)
    assert [(line.author_id, line.orders, line.weight, line.rating, line.ratings, line.excluded, line.capped,
             line.amount) for line in preview.lines] == [
        (world["hua"].pk, 3, D("3.000000"), D("4.67"), 3, "", True, D("60.00")),
        (world["zhou"].pk, 1, D("1.000000"), D("4.00"), 3, "", False, D("40.00")),
        (world["chen"].pk, 2, D("1.000000"), D("2.33"), 3, "low_rating", False, D("0.00"))]
    assert (preview.cap, preview.paid, preview.returned) == (D("60.00"), D("100.00"), D("0.00"))
    assert RewardLine.objects.count() == 0  # a preview writes nothing

    before = {p: _available(world[p]) for p in ("hua", "zhou", "chen")}
    settled = rewards.reward_period_settle(actor=world["finance"], period_id=period.pk)
    assert (settled.status, settled.paid_total, settled.returned_total) == ("settled", D("100.00"), D("0.00"))
    assert settled.settled_at is not None
    gained = {p: _available(world[p]) - before[p] for p in ("hua", "zhou", "chen")}
    assert gained == {"hua": D("60.00"), "zhou": D("40.00"), "chen": D("0.00")}
    assert Account.objects.get(kind=K.MATERIALS_REWARD_POOL).amount == D("0.00")
    keys = set(JournalEntry.objects.filter(kind=JournalEntry.Kind.MATERIALS_REWARD).values_list("key", flat=True))
    assert keys == {f"materials_reward:{period.pk}:author:{world['hua'].pk}",
                    f"materials_reward:{period.pk}:author:{world['zhou'].pk}"}
    assert list(RewardLine.objects.filter(period=period).values_list("author_id", "amount", "excluded")) == [
        (world["hua"].pk, D("60.00"), ""), (world["zhou"].pk, D("40.00"), ""), (world["chen"].pk, D("0.00"),
                                                                                  "low_rating")]
    assert list(AuditEntry.objects.filter(target_id=str(period.pk), action__startswith="community.reward")
                .order_by("id").values_list("action", flat=True)) == [
        "community.reward_period_created", "community.reward_period_funded", "community.reward_period_settled"]
    assert reconcile_run().ok

    written = _ledger()
    _refused("community.reward_period_settled", rewards.reward_period_settle, actor=world["finance"],
             period_id=period.pk)
    _refused("community.reward_period_settled", rewards.reward_period_cancel, actor=world["finance"],
             period_id=period.pk, reason="重来")
    assert _ledger() == written and _available(world["hua"]) - before["hua"] == D("60.00")


def test_caps_minimum_ratings_and_frozen_authors_return_what_nobody_may_take(world):
    # a cap of 40%: 阿花 and 小周 both stop at 40, 20 returns; 小周 frozen: only 阿花's 40 is paid, 60 returns
    Promoter.objects.filter(pk=world["zhou"].pk).update(frozen_at=timezone.now(), frozen_reason="风控")
    period = _period(world, cap_share="0.4", min_ratings=3)
    rewards.reward_period_fund(actor=world["ops"], period_id=period.pk)
    settled = rewards.reward_period_settle(actor=world["ops"], period_id=period.pk)
    assert (settled.paid_total, settled.returned_total) == (D("40.00"), D("60.00"))
    assert dict(RewardLine.objects.filter(period=period).values_list("author_id", "excluded")) == {
        world["hua"].pk: "", world["zhou"].pk: "frozen", world["chen"].pk: "low_rating"}
    assert Account.objects.get(kind=K.MARKETING_EXPENSE).amount == D("40.00")
    # more ratings required than anyone has: nobody eligible, the whole pool returns
    other = _period(world, title="平台素材奖励", community_id=None, min_ratings=4, pool="33.33")
    rewards.reward_period_fund(actor=world["ops"], period_id=other.pk)
    settled = rewards.reward_period_settle(actor=world["ops"], period_id=other.pk)
    assert (settled.paid_total, settled.returned_total) == (D("0.00"), D("33.33"))
    assert set(RewardLine.objects.filter(period=other).values_list("excluded", flat=True)) == {"few_ratings", "frozen"}
    assert reconcile_run().ok


def test_rounding_remainder_goes_to_the_largest_fraction_and_the_sum_is_exact(world):
    # weights 3 : 1 (小陈 left out) of 0.10 with no cap: 0.075 / 0.025 → 0.07 + 0.02, the last fen to the
    # larger fraction (a tie of .5 fen: the smaller id, 阿花)
    period = _period(world, pool="0.10", cap_share="1")
    rewards.reward_period_fund(actor=world["ops"], period_id=period.pk)
    rewards.reward_period_settle(actor=world["ops"], period_id=period.pk)
    amounts = dict(RewardLine.objects.filter(period=period).values_list("author_id", "amount"))
    assert (amounts[world["hua"].pk], amounts[world["zhou"].pk]) == (D("0.08"), D("0.02"))
    assert RewardPeriod.objects.get(pk=period.pk).returned_total == D("0.00")


def test_every_refusal_is_a_stable_code_and_writes_nothing(world):
    written = _ledger()
    bad = (
        ("community.reward_title_invalid", {"title": " "}),
        ("community.reward_title_invalid", {"title": "字" * 81}),
        ("community.reward_dates_invalid", {"ends_on": world["starts"] - timedelta(days=1)}),
        ("community.reward_dates_invalid", {"ends_on": world["starts"] + timedelta(days=92)}),
        ("community.reward_dates_invalid", {"starts_on": "2026-11-01"}),
        ("community.reward_pool_invalid", {"pool": "0"}),
        ("community.reward_pool_invalid", {"pool": "0.00"}),
        ("community.reward_pool_invalid", {"pool": "-5.00"}),
        ("community.reward_pool_invalid", {"pool": "1000000.01"}),
        ("community.reward_pool_invalid", {"pool": "1.234"}),
        ("community.reward_pool_invalid", {"pool": "NaN"}),
        ("community.reward_pool_invalid", {"pool": "一百"}),
        ("community.reward_cap_invalid", {"cap_share": "0"}),
        ("community.reward_cap_invalid", {"cap_share": "1.5"}),
        ("community.reward_min_rating_invalid", {"min_rating": "6"}),
        ("community.reward_min_ratings_invalid", {"min_ratings": -1}),
        ("community.reward_min_ratings_invalid", {"min_ratings": True}),
        ("community.reward_community_unknown", {"community_id": 999_999}),
    )
    for code, change in bad:
        _refused(code, _period, world=world, **change)
    _refused("auth.forbidden", _period, world=world, actor=world["li"].user)
    assert _ledger() == written and not RewardPeriod.objects.exists()

    period = _period(world)
    _refused("community.reward_period_overlap", _period, world=world, title="重复")
    _refused("community.reward_period_not_funded", rewards.reward_period_settle, actor=world["ops"],
             period_id=period.pk)
    for call, kwargs in ((rewards.reward_period_fund, {}), (rewards.reward_period_settle, {}),
                         (rewards.reward_period_preview, {}), (rewards.reward_period_cancel, {"reason": "x"})):
        _refused("auth.forbidden", call, actor=world["hua"].user, period_id=period.pk, **kwargs)
        _refused("community.reward_period_unknown", call, actor=world["ops"], period_id=period.pk + 99, **kwargs)
    rewards.reward_period_fund(actor=world["ops"], period_id=period.pk)
    _refused("community.transition_invalid", rewards.reward_period_fund, actor=world["ops"], period_id=period.pk)

    # a period that has not ended yet cannot be settled
    running = _period(world, title="本月", starts_on=timezone.localdate() - timedelta(days=1),
                      ends_on=timezone.localdate())
    rewards.reward_period_fund(actor=world["ops"], period_id=running.pk)
    written = _ledger()
    error = _refused("community.reward_period_not_ended", rewards.reward_period_settle, actor=world["ops"],
                     period_id=running.pk)
    assert error.details == {"ends_on": timezone.localdate().isoformat()}
    _refused("community.reason_invalid", rewards.reward_period_cancel, actor=world["ops"], period_id=running.pk,
             reason=" ")
    assert _ledger() == written and RewardPeriod.objects.get(pk=running.pk).status == "open"


def test_cancelling_returns_an_open_pool_whole_and_a_draft_moves_no_money(world):
    draft = _period(world)
    rewards.reward_period_cancel(actor=world["ops"], period_id=draft.pk, reason="预算调整")
    assert not JournalEntry.objects.filter(kind__startswith="materials_reward").exists()
    period = _period(world, title="再来一次")  # a cancelled period no longer blocks its days
    rewards.reward_period_fund(actor=world["ops"], period_id=period.pk)
    cancelled = rewards.reward_period_cancel(actor=world["ops"], period_id=period.pk, reason="活动取消")
    assert (cancelled.status, cancelled.returned_total) == ("cancelled", D("100.00"))
    assert Account.objects.get(kind=K.MATERIALS_REWARD_POOL).amount == D("0.00")
    assert Account.objects.get(kind=K.MARKETING_EXPENSE).amount == D("0.00")
    _refused("community.transition_invalid", rewards.reward_period_settle, actor=world["ops"], period_id=period.pk)
    assert reconcile_run().ok


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_settles_at_once_pay_exactly_once(world):
    period = _period(world)
    rewards.reward_period_fund(actor=world["ops"], period_id=period.pk)
    outcomes = at_once([lambda: rewards.reward_period_settle(actor=world["ops"], period_id=period.pk)] * 2)
    errors = errors_of(outcomes)
    assert len(errors) == 1 and errors[0].code == "community.reward_period_settled"
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.MATERIALS_REWARD).count() == 2
    assert _available(world["hua"]) >= D("60.00") and RewardLine.objects.count() == 3


def test_the_nightly_refresh_repairs_a_stored_score_no_event_reported(world):
    from tuishou.community.materials_tasks import materials_scores_refresh
    from tuishou.community.models import MaterialScore

    material = world["materials"][world["hua"].pk]
    MaterialScore.objects.filter(pk=material.pk).update(cited=0, citation_count=0, order_count=0, sold=0)
    assert materials_scores_refresh.call() == 3
    row = MaterialScore.objects.get(pk=material.pk)
    assert (row.citation_count, row.order_count, row.rating_count, row.rating_sum) == (1, 3, 3, 14)
