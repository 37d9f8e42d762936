"""Rank qualification and activity over a metric lookup."""

from __future__ import annotations

from decimal import Decimal

from tuishou.incentives.engine import evaluate_rank, is_active, load_plan

PLAN = load_plan({
    "id": "q",
    "ranks": [
        {"id": "member"},
        {"id": "shopkeeper", "qualify": {"personal_volume": {"min": "100", "days": 30, "count_self": False}}},
        {"id": "mentor", "qualify": {"all": [
            {"team_volume": {"min": "5000", "days": 30}},
            {"any": [{"active_directs": {"min": 3, "days": 30}},
                     {"legs_at_rank": {"rank": "shopkeeper", "min": 2}}]},
        ]}},
        {"id": "ambassador"},  # assigned by an operator only
    ],
    "compression": {"active_if": {"personal_orders": {"min": 1, "days": 30}}},
    "rules": [],
})


def lookup_from(values: dict):
    calls = []

    def lookup(metric, params):
        calls.append((metric, dict(params)))
        return values.get(metric, 0)

    return lookup, calls


def test_highest_qualifying_rank_wins():
    lookup, _ = lookup_from({"personal_volume": Decimal("150"), "team_volume": Decimal("6000"), "legs_at_rank": 2})
    assert evaluate_rank(PLAN, lookup) == "mentor"


def test_lowest_rank_when_nothing_qualifies_and_operator_ranks_are_never_reached():
    lookup, _ = lookup_from({"personal_volume": Decimal("99.99")})
    assert evaluate_rank(PLAN, lookup) == "member"


def test_lookup_gets_window_and_options_and_each_metric_once():
    lookup, calls = lookup_from({"team_volume": Decimal("6000"), "active_directs": 1, "legs_at_rank": 1})
    assert evaluate_rank(PLAN, lookup) == "member"
    assert calls == [
        ("team_volume", {"days": 30, "count_self": True}),
        ("active_directs", {"days": 30}),
        ("legs_at_rank", {"days": None, "rank": "shopkeeper"}),
        ("personal_volume", {"days": 30, "count_self": False}),
    ]


def test_activity_for_compression():
    assert is_active(PLAN, lookup_from({"personal_orders": 1})[0]) is True
    assert is_active(PLAN, lookup_from({})[0]) is False
    no_compression = load_plan({"id": "n", "ranks": [{"id": "m"}], "rules": []})
    assert is_active(no_compression, lookup_from({})[0]) is True
