"""`tuishou plan payout`: bad input exits 2 with one line naming the record, and prints nothing."""

from __future__ import annotations

import json

import pytest

AT = "2026-10-03T10:00:00+08:00"
PLAN = {
    "id": "cli",
    "ranks": [{"id": "member"}, {"id": "shopkeeper"}],
    "compression": {"active_if": {"personal_orders": {"min": 1, "days": 30}}},
    "rules": [{"type": "direct", "rate": "0.50"}, {"type": "tiers", "rates": ["0.10", "0.05"]}],
}
NETWORK = [
    {"id": "A", "sponsor": None, "rank": "shopkeeper"},
    {"id": "B", "sponsor": "A", "active": False},
    {"id": "C", "sponsor": "B"},
]


def order(**fields) -> dict:
    return {"id": "o1", "promoter": "C", "self": False, "base": "100.00", "at": AT, **fields}


def test_payout_skips_inactive_uplines_under_compression(cli):
    code, out, err = cli.payout(PLAN, NETWORK, [order(), order(id="o2", promoter="B", base="10.00")])
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "plan": "cli",
        "payouts": [
            {"order": "o1", "promoter": "C", "rule": "direct", "amount": "50.00"},
            {"order": "o1", "promoter": "A", "rule": "tiers", "amount": "10.00"},
            {"order": "o2", "promoter": "B", "rule": "direct", "amount": "5.00"},
            {"order": "o2", "promoter": "A", "rule": "tiers", "amount": "1.00"},
        ],
        "by_promoter": {"A": "11.00", "B": "5.00", "C": "50.00"},
        "total": "66.00",
    }


@pytest.mark.parametrize(
    ("network", "orders", "message"),
    [
        (NETWORK, [order(promoter="Q")], "orders.json orders[0] (id \"o1\"): unknown promoter 'Q'"),
        ([{"id": "A", "sponsor": "C"}, {"id": "B", "sponsor": "A"}, {"id": "C", "sponsor": "B"}], [order()],
         'network.json promoters[0] (id "A"): sponsor cycle: A → C → B → A'),
        ([{"id": "A", "sponsor": None, "rank": "boss"}], [order(promoter="A")],
         "network.json promoters[0] (id \"A\"): unknown rank 'boss' (ranks: member, shopkeeper)"),
        (NETWORK, [order(), order(id="o2", base="12,50")],
         "orders.json orders[1] (id \"o2\"): malformed amount base='12,50' (expected a string like \"100.00\")"),
        (NETWORK, [order(base=12.5)],
         "orders.json orders[0] (id \"o1\"): malformed amount base=12.5 (expected a string like \"100.00\")"),
        (NETWORK, [order(base="1.005")],
         "orders.json orders[0] (id \"o1\"): malformed amount base='1.005' (expected a string like \"100.00\")"),
        (NETWORK, [order(at="2026-10-03T10:00:00")],
         "orders.json orders[0] (id \"o1\"): at='2026-10-03T10:00:00' has no offset "
         "(write e.g. 2026-10-03T10:00:00+08:00)"),
        (NETWORK, [order(at="yesterday")],
         "orders.json orders[0] (id \"o1\"): malformed timestamp at='yesterday' (expected ISO 8601 with an offset)"),
        ([*NETWORK, {"id": "D", "sponsor": "Z"}], [order()], 'network.json promoters[3] (id "D"): unknown sponsor "Z"'),
        ([*NETWORK, {"id": "A", "sponsor": None}], [order()],
         'network.json promoters[3] (id "A"): duplicate promoter id "A" (also network.json promoters[0] (id "A"))'),
        (NETWORK, [order(), order()],
         'orders.json orders[1] (id "o1"): duplicate order id "o1" (also orders.json orders[0] (id "o1"))'),
        (NETWORK, [order(self="yes")], "orders.json orders[0] (id \"o1\"): self must be true or false, got 'yes'"),
        (NETWORK, [{"promoter": "C", "base": "1.00", "at": AT}], "orders.json orders[0]: id must be a non-empty "
                                                                  "string, got None"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_record(cli, network, orders, message):
    # when
    code, out, err = cli.payout(PLAN, network, orders)
    # then nothing is printed to standard output, and one line names the record
    assert (code, out) == (2, "")
    expected = message.replace("orders.json", str(cli.tmp_path / "orders.json")).replace(
        "network.json", str(cli.tmp_path / "network.json"))
    assert err == f"tuishou plan: bad input: {expected}\n"


def test_rate_keyed_by_an_unknown_rank_is_bad_input(cli):
    plan = {**PLAN, "rules": [{"type": "direct", "rate": {"boss": "0.5"}}]}
    code, out, err = cli.payout(plan, NETWORK, [order()])
    assert (code, out) == (2, "")
    assert err == (f"tuishou plan: invalid plan: rules[0].rate.boss: unknown rank 'boss' (ranks: member, "
                   f"shopkeeper) (in {cli.tmp_path / 'plan.yaml'})\n")


def test_unknown_min_rank_is_bad_input(cli):
    plan = {**PLAN, "rules": [{"type": "tiers", "rates": ["0.1"], "min_rank": "boss"}]}
    code, out, err = cli.payout(plan, NETWORK, [order()])
    assert (code, out) == (2, "")
    assert err.startswith("tuishou plan: invalid plan: rules[0].min_rank: unknown rank 'boss'")
    assert err.count("\n") == 1


def test_not_json_network_is_bad_input(cli):
    plan = cli.write("plan.yaml", PLAN)
    network = cli.write("network.json", "{not json")
    orders = cli.write("orders.json", {"orders": []})
    code, out, err = cli.run("payout", plan, "--network", network, "--orders", orders)
    assert (code, out) == (2, "")
    assert err.startswith(f"tuishou plan: bad input: {network}: not valid JSON:")
    assert err.count("\n") == 1


def test_malformed_period_is_a_usage_error(cli):
    code, out, _ = cli.payout(PLAN, NETWORK, [order()], "--period", "2026-13")
    assert (code, out) == (2, "")


def test_period_month_is_taken_in_the_timestamps_own_offset(cli):
    # given an order at 2026-10-31 23:30 -05:00 (November in Shanghai, October as written)
    plan = {"id": "tv", "ranks": [{"id": "member"}],
            "rules": [{"type": "team_volume", "schedule": [{"min": "0", "rate": "0.10"}]}]}
    orders = [order(promoter="A", at="2026-10-31T23:30:00-05:00")]
    # when
    code, out, err = cli.payout(plan, [{"id": "A", "sponsor": None}], orders, "--period", "2026-10")
    # then it counts in October
    assert (code, err) == (0, "")
    assert json.loads(out)["payouts"] == [
        {"order": None, "period": "2026-10", "promoter": "A", "rule": "team_volume", "amount": "10.00"}]


def test_recruit_bonus_pays_nothing_in_payout(cli):
    plan = {"id": "rb", "ranks": [{"id": "member"}], "rules": [{"type": "recruit_bonus", "amount": "10.00"}]}
    network = [{"id": "A", "sponsor": None}, {"id": "C", "sponsor": "A"}]
    code, out, err = cli.payout(plan, network, [order()])
    assert (code, err) == (0, "")
    assert json.loads(out) == {"plan": "rb", "payouts": [], "by_promoter": {}, "total": "0.00"}


def test_simulate_without_its_module_or_with_it_exits_cleanly(cli, monkeypatch):
    import sys

    # given the simulation module cannot be imported
    monkeypatch.setitem(sys.modules, "tuishou.incentives.simulation.cli", None)
    # when
    code, out, err = cli.run("simulate", "plan.yaml")
    # then
    assert (code, out) == (2, "")
    assert err.startswith("tuishou plan: simulate is not available:")
    assert err.count("\n") == 1


def test_help_exits_0_and_unknown_subcommand_exits_2(cli):
    assert cli.run("--help")[0] == 0
    code, out, _ = cli.run("publish", "plan.yaml")
    assert (code, out) == (2, "")
