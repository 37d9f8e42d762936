"""The five worked examples of spec/incentive-plans.md, through the engine and the command line."""

from __future__ import annotations

import json
from decimal import Decimal

from tuishou.incentives.engine import Member, Payout, load_plan, order_payouts, period_payouts

AT = "2026-10-03T10:00:00+08:00"

DIFFERENTIAL_PEER = {
    "id": "example1",
    "ranks": [{"id": "member"}, {"id": "shopkeeper"}, {"id": "mentor"}, {"id": "partner"}],
    "rules": [
        {"type": "differential", "rates": {"shopkeeper": "0.40", "mentor": "0.60", "partner": "0.80"}},
        {"type": "peer", "rate": "0.10", "source": "base", "per_rank": 1, "min_rank": "mentor"},
    ],
}
DIRECT_SELF_TIERS = {
    "id": "example2",
    "ranks": [{"id": "member"}, {"id": "shopkeeper"}],
    "rules": [
        {"type": "direct", "rate": {"shopkeeper": "0.50"}},
        {"type": "self_purchase", "rate": "0.05"},
        {"type": "tiers", "rates": ["0.10", "0.05"], "min_rank": "shopkeeper"},
    ],
}
ROUNDING = {"id": "example3", "ranks": [{"id": "member"}], "rules": [{"type": "direct", "rate": "0.15"}]}
CAP = {
    "id": "example4",
    "ranks": [{"id": "member"}],
    "caps": {"per_order": "1.0"},
    "rules": [{"type": "direct", "rate": "0.70"}, {"type": "tiers", "rates": ["0.30", "0.20"]}],
}
TEAM_VOLUME = {
    "id": "example5",
    "ranks": [{"id": "member"}],
    "rules": [{"type": "team_volume", "period": "month", "schedule": [
        {"min": "0", "rate": "0.02"}, {"min": "10000", "rate": "0.04"},
        {"min": "100000", "rate": "0.06"}, {"min": "500000", "rate": "0.08"},
    ]}],
}
# Example 1's chain, p0 first.
CHAIN_1 = [("S1", "shopkeeper"), ("S2", "shopkeeper"), ("M1", "mentor"), ("M2", "mentor"), ("M3", "mentor"),
           ("P1", "partner"), ("P2", "partner")]


def network_of_chain(chain: list[tuple[str, str]]) -> list[dict]:
    """Network records for a chain given p0 first (each one's sponsor is the next)."""
    return [
        {"id": pid, "sponsor": chain[i + 1][0] if i + 1 < len(chain) else None, "rank": rank}
        for i, (pid, rank) in enumerate(chain)
    ]


def members(plan, chain: list[tuple[str, str]]) -> list[Member]:
    return [Member(pid, plan.rank_index(rank)) for pid, rank in chain]


def test_example_1_differential_and_peer_through_the_engine():
    # given the chain S1 … P2 and B = 100.00
    plan = load_plan(DIFFERENTIAL_PEER)
    # when the order is paid out
    payouts = order_payouts(plan, order_id="o1", chain=members(plan, CHAIN_1), base=Decimal("100.00"),
                            self_purchase=False)
    # then
    assert payouts == [
        Payout("S1", "differential", Decimal("40.00"), "o1"),
        Payout("M1", "differential", Decimal("20.00"), "o1"),
        Payout("P1", "differential", Decimal("20.00"), "o1"),
        Payout("M2", "peer", Decimal("10.00"), "o1"),
        Payout("P2", "peer", Decimal("10.00"), "o1"),
    ]
    assert sum(p.amount for p in payouts) == Decimal("100.00")


def test_example_1_differential_and_peer_through_the_command_line(cli):
    # given
    orders = [{"id": "o1", "promoter": "S1", "self": False, "base": "100.00", "at": AT}]
    # when
    code, out, err = cli.payout(DIFFERENTIAL_PEER, network_of_chain(CHAIN_1), orders)
    # then
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "plan": "example1",
        "payouts": [
            {"order": "o1", "promoter": "S1", "rule": "differential", "amount": "40.00"},
            {"order": "o1", "promoter": "M1", "rule": "differential", "amount": "20.00"},
            {"order": "o1", "promoter": "P1", "rule": "differential", "amount": "20.00"},
            {"order": "o1", "promoter": "M2", "rule": "peer", "amount": "10.00"},
            {"order": "o1", "promoter": "P2", "rule": "peer", "amount": "10.00"},
        ],
        "by_promoter": {"M1": "20.00", "M2": "10.00", "P1": "20.00", "P2": "10.00", "S1": "40.00"},
        "total": "100.00",
    }


CHAIN_2 = [("X", "shopkeeper"), ("Y", "member"), ("Z", "shopkeeper")]


def test_example_2_direct_self_purchase_and_tiers_through_the_engine():
    plan = load_plan(DIRECT_SELF_TIERS)
    payouts = order_payouts(plan, order_id="o1", chain=members(plan, CHAIN_2), base=Decimal("80.00"),
                            self_purchase=True)
    assert payouts == [
        Payout("X", "direct", Decimal("40.00"), "o1"),
        Payout("X", "self_purchase", Decimal("4.00"), "o1"),
        Payout("Z", "tiers", Decimal("4.00"), "o1"),
    ]


def test_example_2_direct_self_purchase_and_tiers_through_the_command_line(cli):
    orders = [{"id": "o1", "promoter": "X", "self": True, "base": "80.00", "at": AT}]
    code, out, err = cli.payout(DIRECT_SELF_TIERS, network_of_chain(CHAIN_2), orders)
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "plan": "example2",
        "payouts": [
            {"order": "o1", "promoter": "X", "rule": "direct", "amount": "40.00"},
            {"order": "o1", "promoter": "X", "rule": "self_purchase", "amount": "4.00"},
            {"order": "o1", "promoter": "Z", "rule": "tiers", "amount": "4.00"},
        ],
        "by_promoter": {"X": "44.00", "Z": "4.00"},
        "total": "48.00",
    }


def test_example_3_rounding_down_through_the_engine():
    plan = load_plan(ROUNDING)
    payouts = order_payouts(plan, order_id="o1", chain=[Member("A", 0)], base=Decimal("33.33"),
                            self_purchase=False)
    assert payouts == [Payout("A", "direct", Decimal("4.99"), "o1")]


def test_example_3_rounding_down_through_the_command_line(cli):
    orders = [{"id": "o1", "promoter": "A", "self": False, "base": "33.33", "at": AT}]
    code, out, err = cli.payout(ROUNDING, [{"id": "A", "sponsor": None}], orders)
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "plan": "example3",
        "payouts": [{"order": "o1", "promoter": "A", "rule": "direct", "amount": "4.99"}],
        "by_promoter": {"A": "4.99"},
        "total": "4.99",
    }


def test_example_4_cap_scales_the_rounded_payouts_through_the_engine():
    plan = load_plan(CAP)
    chain = [Member("p0", 0), Member("p1", 0), Member("p2", 0)]
    payouts = order_payouts(plan, order_id="o1", chain=chain, base=Decimal("100.00"), self_purchase=False)
    assert payouts == [
        Payout("p0", "direct", Decimal("58.33"), "o1"),
        Payout("p1", "tiers", Decimal("25.00"), "o1"),
        Payout("p2", "tiers", Decimal("16.66"), "o1"),
    ]


def test_example_4_cap_scales_the_rounded_payouts_through_the_command_line(cli):
    network = network_of_chain([("p0", "member"), ("p1", "member"), ("p2", "member")])
    orders = [{"id": "o1", "promoter": "p0", "self": False, "base": "100.00", "at": AT}]
    code, out, err = cli.payout(CAP, network, orders)
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "plan": "example4",
        "payouts": [
            {"order": "o1", "promoter": "p0", "rule": "direct", "amount": "58.33"},
            {"order": "o1", "promoter": "p1", "rule": "tiers", "amount": "25.00"},
            {"order": "o1", "promoter": "p2", "rule": "tiers", "amount": "16.66"},
        ],
        "by_promoter": {"p0": "58.33", "p1": "25.00", "p2": "16.66"},
        "total": "99.99",
    }


VOLUMES_5 = {"A": "300000", "B": "5000", "C": "30000", "D": "250000", "E": "600000"}


def test_example_5_team_volume_through_the_engine():
    # given A at the root with B, C, D, E as its direct downlines
    plan = load_plan(TEAM_VOLUME)
    sponsors = {"A": None, "B": "A", "C": "A", "D": "A", "E": "A"}
    # when
    payouts = period_payouts(plan, period="2026-10", sponsors=sponsors, ranks={},
                             personal_volume={pid: Decimal(v) for pid, v in VOLUMES_5.items()})
    # then A gets 24 000 + 300 + 1 200 + 5 000 + 0
    assert payouts == [
        Payout("A", "team_volume", Decimal("30500.00"), None, "2026-10"),
        Payout("B", "team_volume", Decimal("100.00"), None, "2026-10"),
        Payout("C", "team_volume", Decimal("1200.00"), None, "2026-10"),
        Payout("D", "team_volume", Decimal("15000.00"), None, "2026-10"),
        Payout("E", "team_volume", Decimal("48000.00"), None, "2026-10"),
    ]


def test_example_5_team_volume_through_the_command_line(cli):
    # given the month's orders, and one order of November that the October period leaves out
    network = [{"id": "A", "sponsor": None}] + [{"id": pid, "sponsor": "A"} for pid in "BCDE"]
    orders = [
        {"id": f"o{pid}", "promoter": pid, "self": False, "base": f"{v}.00", "at": AT}
        for pid, v in VOLUMES_5.items()
    ]
    orders.append({"id": "late", "promoter": "B", "self": False, "base": "1000000.00",
                   "at": "2026-11-01T00:30:00+08:00"})
    # when
    code, out, err = cli.payout(TEAM_VOLUME, network, orders, "--period", "2026-10")
    # then
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "plan": "example5",
        "payouts": [
            {"order": None, "period": "2026-10", "promoter": "A", "rule": "team_volume", "amount": "30500.00"},
            {"order": None, "period": "2026-10", "promoter": "B", "rule": "team_volume", "amount": "100.00"},
            {"order": None, "period": "2026-10", "promoter": "C", "rule": "team_volume", "amount": "1200.00"},
            {"order": None, "period": "2026-10", "promoter": "D", "rule": "team_volume", "amount": "15000.00"},
            {"order": None, "period": "2026-10", "promoter": "E", "rule": "team_volume", "amount": "48000.00"},
        ],
        "by_promoter": {"A": "30500.00", "B": "100.00", "C": "1200.00", "D": "15000.00", "E": "48000.00"},
        "total": "94800.00",
    }


def test_period_rules_do_not_run_without_period(cli):
    network = [{"id": "A", "sponsor": None}]
    orders = [{"id": "o1", "promoter": "A", "self": False, "base": "100.00", "at": AT}]
    code, out, err = cli.payout(TEAM_VOLUME, network, orders)
    assert (code, err) == (0, "")
    assert json.loads(out) == {"plan": "example5", "payouts": [], "by_promoter": {}, "total": "0.00"}
