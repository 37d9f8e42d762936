"""Loading, validating and exporting plans."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from tuishou.incentives.engine import (
    AllOf,
    DifferentialRule,
    MetricTest,
    PeerRule,
    PlanError,
    dump_plan,
    list_templates,
    load_plan,
    load_template,
)

FIXTURES = Path(__file__).parent / "fixtures"


def doc(**overrides) -> dict:
    base = {
        "id": "p",
        "ranks": [{"id": "member"}, {"id": "shopkeeper"}, {"id": "mentor"}, {"id": "partner"}],
        "rules": [{"type": "direct", "rate": "0.50"}],
    }
    base.update(overrides)
    return base


def error_of(document) -> PlanError:
    with pytest.raises(PlanError) as caught:
        load_plan(document)
    return caught.value


def test_sample_plan_loads_with_defaults_filled_in():
    plan = load_plan((FIXTURES / "sample_plan.yaml").read_text(encoding="utf-8"))
    assert plan.id == "official"
    assert plan.rank_ids == ("member", "shopkeeper", "mentor")
    assert plan.rank_index("mentor") == 2
    assert plan.rank_index(None) == 0
    assert plan.ranks[2].qualify == AllOf((
        MetricTest("team_volume", min=Decimal("50000"), days=30, count_self=True),
        MetricTest("active_directs", min=Decimal(10), days=30),
    ))
    assert plan.rules[3] == DifferentialRule(id=None, rates={"shopkeeper": Decimal("0.40"),
                                                             "mentor": Decimal("0.60")}, include_seller=True)
    assert plan.rules[4] == PeerRule(id=None, rate=Decimal("0.10"), source="base", per_rank=1, min_rank="mentor")
    assert [r.label for r in plan.rules] == [
        "direct", "self_purchase", "tiers", "differential", "peer", "team_volume", "pool", "recruit_bonus"]


def test_json_text_and_yaml_text_give_the_same_plan():
    assert load_plan(json.dumps(doc())) == load_plan(yaml.safe_dump(doc()))


@pytest.mark.parametrize("path", [FIXTURES / "sample_plan.yaml"])
def test_dump_round_trips_through_yaml(path):
    plan = load_plan(path.read_text(encoding="utf-8"))
    assert load_plan(yaml.safe_dump(dump_plan(plan), allow_unicode=True)) == plan


def test_every_template_round_trips():
    for name in list_templates():
        plan = load_template(name)
        assert load_plan(dump_plan(plan)) == plan


@pytest.mark.parametrize(
    ("document", "field", "message"),
    [
        (doc(rules=[{"type": "bonus", "rate": "0.1"}]), "rules[0].type",
         "unknown rule type 'bonus' (expected one of: direct, self_purchase, tiers, differential, peer, "
         "team_volume, pool, recruit_bonus)"),
        (doc(rules=[{"type": "differential", "rates": {"shopkeeper": "0.4", "king": "0.9"}}]),
         "rules[0].rates.king", "unknown rank 'king' (ranks: member, shopkeeper, mentor, partner)"),
        (doc(rules=[{"type": "tiers", "rates": ["0.1"], "min_rank": "boss"}]), "rules[0].min_rank",
         "unknown rank 'boss' (ranks: member, shopkeeper, mentor, partner)"),
        (doc(rules=[{"type": "direct", "rate": "0.1.5"}]), "rules[0].rate", "malformed decimal '0.1.5'"),
        (doc(rules=[{"type": "direct", "rate": 0.5}]), "rules[0].rate",
         'write decimals as strings, e.g. "0.10" (got 0.5)'),
        (doc(rules=[{"type": "tiers", "rates": ["0.10", "-0.05"]}]), "rules[0].rates[1]",
         "must not be negative (got -0.05)"),
        (doc(ranks=[]), "ranks", "expected a non-empty list of ranks, lowest first"),
        (doc(ranks=[{"id": "a"}, {"id": "a"}]), "ranks[1].id", "duplicate rank id 'a'"),
        (doc(rules=[{"type": "tiers", "id": "t", "rates": ["0.1"]}, {"type": "peer", "id": "t", "rate": "0.1"}]),
         "rules[1].id", "duplicate rule id 't' (also rules[0]); give each rule a distinct id"),
        (doc(rules=[{"type": "direct", "rate": "0.1"}, {"type": "direct", "rate": "0.2"}]),
         "rules[1].type", "duplicate rule id 'direct' (also rules[0]); give each rule a distinct id"),
        (doc(rules=[{"type": "peer", "rate": "0.1", "per_rank": 0}]), "rules[0].per_rank",
         "must be at least 1 (got 0)"),
        (doc(rules=[{"type": "peer", "rate": "0.1", "source": "profit"}]), "rules[0].source",
         "unknown value 'profit' (expected one of: base, income)"),
        (doc(rules=[{"type": "direct"}]), "rules[0].rate", "required"),
        (doc(rules=[{"type": "direct", "rate": "0.1", "rat": "0.2"}]), "rules[0].rat",
         "unknown field (expected one of: type, id, rate)"),
        (doc(rules=[{"type": "team_volume", "schedule": [{"min": "100", "rate": "0.02"},
                                                         {"min": "100", "rate": "0.04"}]}]),
         "rules[0].schedule[1].min", "steps must be listed by strictly increasing min"),
        (doc(rules=[{"type": "pool", "share": "0.01", "split": "fair"}]), "rules[0].split",
         "unknown value 'fair' (expected one of: equal, by_volume)"),
        (doc(ranks=[{"id": "member"}, {"id": "star", "qualify": {"all": [{"headcount": {"min": 3}}]}}]),
         "ranks[1].qualify.all[0].headcount",
         "unknown metric (expected one of: personal_volume, team_volume, personal_orders, direct_promoters, "
         "active_directs, legs_at_rank, bought, all, any)"),
        (doc(ranks=[{"id": "member"}, {"id": "star", "qualify": {"legs_at_rank": {"rank": "god", "min": 2}}}]),
         "ranks[1].qualify.legs_at_rank.rank", "unknown rank 'god' (ranks: member, star)"),
        (doc(ranks=[{"id": "member"}, {"id": "star", "qualify": {"direct_promoters": {"min": "2.5"}}}]),
         "ranks[1].qualify.direct_promoters.min", "expected a whole number, got '2.5'"),
        (doc(jurisdiction="mars"), "jurisdiction", "unknown value 'mars' (expected one of: cn-strict, cn, us, eu)"),
        (doc(caps={"per_order": "lots"}), "caps.per_order", "malformed decimal 'lots'"),
        (doc(settlement={"after": "received"}), "settlement.freeze_days", "required"),
        (doc(binding={"mode": "forever"}), "binding.mode",
         "unknown value 'forever' (expected one of: first_click, last_click, registration)"),
        ({"ranks": [{"id": "m"}], "rules": []}, "id", "required"),
    ],
)
def test_invalid_plans_name_the_field_and_the_problem(document, field, message):
    error = error_of(document)
    assert (error.field, error.message) == (field, message)
    assert str(error) == f"{field}: {message}"


def test_unreadable_text_is_a_plan_error_without_field():
    error = error_of("id: [unclosed")
    assert error.field is None
    assert error.message.startswith("not valid YAML or JSON:")


def test_plans_can_key_a_cache_and_tuples_are_accepted_like_lists():
    plan = load_plan(doc(ranks=({"id": "member"}, {"id": "star"}), rules=({"type": "tiers", "rates": ("0.1",)},)))
    assert {plan: 1}[load_plan(doc(ranks=[{"id": "member"}, {"id": "star"}],
                                   rules=[{"type": "tiers", "rates": ["0.1"]}]))] == 1
