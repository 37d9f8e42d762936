"""Per-order rules beyond the worked examples: seller exclusion, peer on income, compression."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tuishou.incentives.engine import Member, Payout, load_plan, order_payouts

RANKS = [{"id": "member"}, {"id": "shopkeeper"}, {"id": "mentor"}, {"id": "partner"}]
M, S, T, P = range(4)  # rank indexes: member, shopkeeper, mentor, partner


def plan_of(*rules, **extra):
    return load_plan({"id": "t", "ranks": RANKS, "rules": list(rules), **extra})


def pay(plan, chain, base="100.00", self_purchase=False):
    return [(p.promoter, p.rule, str(p.amount))
            for p in order_payouts(plan, order_id="o", chain=chain, base=Decimal(base), self_purchase=self_purchase)]


def test_differential_without_the_seller_starts_above_p0_rate():
    plan = plan_of({"type": "differential", "rates": {"shopkeeper": "0.40", "mentor": "0.60"},
                    "include_seller": False})
    chain = [Member("a", S), Member("b", S), Member("c", T)]
    assert pay(plan, chain) == [("c", "differential", "20.00")]


def test_self_purchase_pays_only_on_a_self_purchase():
    plan = plan_of({"type": "self_purchase", "rate": "0.05"})
    assert pay(plan, [Member("a", M)]) == []
    assert pay(plan, [Member("a", M)], self_purchase=True) == [("a", "self_purchase", "5.00")]


def test_tiers_below_min_rank_is_not_handed_up():
    plan = plan_of({"type": "tiers", "rates": ["0.10"], "min_rank": "shopkeeper"})
    chain = [Member("a", M), Member("b", M), Member("c", S)]
    assert pay(plan, chain) == []


def test_peer_on_income_is_a_share_of_the_level_holders_rounded_income():
    # given M1 earns 33.33 (differential 0.60 on 55.55, rounded down from 33.33) and M2 is its peer
    plan = plan_of({"type": "differential", "rates": {"mentor": "0.60"}},
                   {"type": "peer", "rate": "0.10", "source": "income", "min_rank": "mentor"})
    chain = [Member("M1", T), Member("M2", T)]
    assert pay(plan, chain, base="55.55") == [("M1", "differential", "33.33"), ("M2", "peer", "3.33")]


def test_peer_per_rank_counts_and_restarts_only_on_a_strictly_higher_rank():
    plan = plan_of({"type": "peer", "rate": "0.01", "per_rank": 2, "min_rank": "shopkeeper"})
    chain = [Member("a", S), Member("b", S), Member("c", M), Member("d", S), Member("e", S),
             Member("f", T), Member("g", T)]
    assert pay(plan, chain) == [("b", "peer", "1.00"), ("d", "peer", "1.00"), ("g", "peer", "1.00")]


def test_compression_skips_inactive_uplines_but_never_p0():
    plan = plan_of({"type": "direct", "rate": "0.50"}, {"type": "tiers", "rates": ["0.10"]},
                   compression={"active_if": {"personal_orders": {"min": 1, "days": 30}}})
    chain = [Member("a", M, active=False), Member("b", M, active=False), Member("c", M)]
    assert pay(plan, chain) == [("a", "direct", "50.00"), ("c", "tiers", "10.00")]


def test_without_compression_activity_is_ignored():
    plan = plan_of({"type": "tiers", "rates": ["0.10"]})
    assert pay(plan, [Member("a", M), Member("b", M, active=False)]) == [("b", "tiers", "10.00")]


def test_cap_leaves_an_order_under_the_cap_alone():
    plan = plan_of({"type": "direct", "rate": "0.50"}, caps={"per_order": "0.5"})
    assert pay(plan, [Member("a", M)], base="33.33") == [("a", "direct", "16.66")]


def test_cap_scaling_drops_payouts_that_round_to_zero():
    plan = plan_of({"type": "direct", "rate": "0.999"}, {"type": "tiers", "rates": ["0.0002"]},
                   caps={"per_order": "0.5"})
    assert pay(plan, [Member("a", M), Member("b", M)], base="50.00") == [("a", "direct", "24.99")]


def test_base_with_more_than_two_decimals_is_exact():
    plan = plan_of({"type": "direct", "rate": "0.5"})
    assert pay(plan, [Member("a", M)], base="0.0399") == [("a", "direct", "0.01")]


def test_payout_records_carry_the_order_id():
    plan = plan_of({"type": "direct", "rate": "0.5"})
    assert order_payouts(plan, order_id="o9", chain=[Member("a", M)], base=Decimal(1), self_purchase=False) == [
        Payout("a", "direct", Decimal("0.50"), "o9")]


def test_negative_base_is_refused():
    plan = plan_of({"type": "direct", "rate": "0.5"})
    with pytest.raises(ValueError):
        order_payouts(plan, order_id="o", chain=[Member("a", M)], base=Decimal("-1"), self_purchase=False)
