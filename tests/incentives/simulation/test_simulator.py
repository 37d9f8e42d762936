"""The simulator end to end: runner totals, JSON summary, HTML report and the command line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal
from html import unescape

import numpy as np
import pytest

from tuishou.incentives.engine.cli import main as plan_main
from tuishou.incentives.engine.plan import load_plan
from tuishou.incentives.engine.templates import load_template
from tuishou.incentives.simulation.compare import simulate
from tuishou.incentives.simulation.report import render_report
from tuishou.incentives.simulation.runner import SimulationParams, build_world, run_plan
from tuishou.incentives.simulation.summary import build_summary

SMALL = SimulationParams(promoters=2_000, months=3, seed=11)

EVERY_RULE_PLAN = {
    "id": "every-rule",
    "jurisdiction": "us",
    "ranks": [
        {"id": "member"},
        {"id": "shopkeeper", "qualify": {"personal_volume": {"min": "30", "days": 30}}},
        {"id": "mentor", "qualify": {"all": [{"team_volume": {"min": "200", "days": 30}},
                                             {"active_directs": {"min": 2, "days": 30}}]}},
    ],
    "compression": {"active_if": {"personal_orders": {"min": 1, "days": 30}}},
    "caps": {"per_order": "0.8"},
    "rules": [
        {"type": "direct", "rate": {"member": "0.3", "shopkeeper": "0.4", "mentor": "0.45"}},
        {"type": "self_purchase", "rate": "0.05"},
        {"type": "tiers", "rates": ["0.1", "0.05"], "min_rank": "shopkeeper"},
        {"type": "differential", "rates": {"shopkeeper": "0.1", "mentor": "0.2"}, "include_seller": False},
        {"type": "peer", "rate": "0.1", "source": "income", "min_rank": "mentor"},
        {"type": "team_volume", "schedule": [{"min": "0", "rate": "0.01"}, {"min": "500", "rate": "0.03"}]},
        {"type": "pool", "share": "0.01", "min_rank": "mentor"},
        {"type": "recruit_bonus", "amount": "1.005"},
    ],
}


def key_value(summary: dict, path: str) -> object:
    value: object = summary
    for part in path.split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]  # type: ignore[index]
    return value


def test_run_totals_add_up_and_every_rule_pays():
    # given a plan with every rule type, on 2,000 promoters over 3 months
    plan = load_plan(EVERY_RULE_PLAN)
    world = build_world(SMALL)
    # when it is simulated
    result = run_plan(plan, world)
    # then what promoters earned is what the rules paid, month by month and by source
    total = int(result.payout_by_month.sum())
    assert int(result.earnings.sum()) == total
    assert result.own_sales + result.downline_sales + result.period_total + result.recruiting_total == total
    assert result.base_by_month.sum() == world.orders.base.sum()
    assert result.orders == world.orders.size == int(result.orders_by_month.sum())
    paid_rules = {label for label, paid in zip(result.labels, result.payout_by_month.sum(axis=0), strict=True) if paid}
    assert paid_rules == {"direct", "self_purchase", "tiers", "differential", "peer", "team_volume", "pool",
                          "recruit_bonus"}
    # and recruit_bonus pays 1.00 (rounded down from 1.005) per recruit who joined after month 0's founders
    network = world.network
    recruits = (network.parent >= 0) & ~network.placed & (network.join_month < 3)
    assert result.recruiting_total == 100 * int(np.count_nonzero(recruits))
    # and the summary's figures are consistent
    summary = build_summary(result)
    assert Decimal(summary["payout_total"]) == sum(Decimal(v) for v in summary["by_rule"].values())
    assert Decimal(summary["payout_total"]) == Decimal(total).scaleb(-2)
    assert sum(row["count"] for row in summary["disclosure"]) == 2_000
    assert [f["code"] for f in summary["findings"] if f["severity"] == "error"][:1] == ["L1"]


def test_summary_has_the_spec_keys():
    summary = simulate(load_template("two-level-distribution"), SMALL)
    for key in ("plan", "promoters", "months", "orders", "base_total", "payout_total", "payout_ratio", "by_rule",
                "gini", "zero_earner_share", "disclosure", "findings"):
        assert key in summary
    assert summary["plan"] == "two-level-distribution"
    assert (summary["promoters"], summary["months"]) == (2_000, 3)
    ratio = Decimal(summary["payout_total"]) / Decimal(summary["base_total"])
    assert Decimal(summary["payout_ratio"]) == ratio.quantize(Decimal("0.0001"))
    assert isinstance(summary["gini"], float)
    assert 0 <= summary["zero_earner_share"] <= 1


def test_the_same_seed_gives_the_same_summary_and_another_seed_another():
    plan = load_template("rank-differential-peer")
    first = simulate(plan, SMALL)
    again = simulate(plan, SMALL)
    other = simulate(plan, SimulationParams(promoters=2_000, months=3, seed=12))
    assert json.dumps(first) == json.dumps(again)
    assert first["payout_total"] != other["payout_total"]


def test_every_figure_in_the_report_is_the_summary_figure():
    # given a comparison of two plans on the same data
    summary = simulate(load_plan(EVERY_RULE_PLAN), SMALL, other=load_template("team-volume-bonus"))
    # when the report is rendered
    html = render_report(summary)
    # then each figure marked in the HTML reads back exactly as the JSON has it
    figures = re.findall(r'data-key="([^"]+)">([^<]*)<', html)
    assert len(figures) > 60
    for path, text in figures:
        key = path.removeprefix("compare.")
        source = summary["compare"] if path.startswith("compare.") else summary
        assert unescape(text) == str(key_value(source, key)), path
    # and the spec's headline figures of both plans are all there
    marked = {path for path, _ in figures}
    for key in ("base_total", "payout_total", "payout_ratio", "gini", "zero_earner_share", "by_rule.direct",
                "disclosure.0.median", "disclosure.1.p90", "findings.0.code", "earnings_source.own_sales"):
        assert key in marked and "compare." + key.replace("by_rule.direct", "by_rule.sales_commission") in marked


def test_report_is_self_contained():
    summary = simulate(load_template("single-level-cps"), SMALL, other=load_template("two-level-distribution"))
    html = render_report(summary)
    assert "http://" not in html and "https://" not in html
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert html.count("<svg") == 7  # months, Lorenz, sources per plan; the comparison's Lorenz curves
    assert "Comparison 方案对比" in html


def test_command_line_writes_report_and_summary(tmp_path, capsys):
    # given a plan file
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(EVERY_RULE_PLAN), encoding="utf-8")
    out, summary_file = tmp_path / "report.html", tmp_path / "summary.json"
    # when it is simulated from the command line with a comparison
    code = plan_main(["simulate", str(plan_file), "--promoters", "2000", "--months", "3", "--seed", "4",
                      "--out", str(out), "--json", str(summary_file), "--compare", "single-level-cps"])
    # then both files are written and the key figures printed
    assert code == 0
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    assert (summary["plan"], summary["compare"]["plan"], summary["seed"]) == ("every-rule", "single-level-cps", 4)
    assert summary["payout_total"] in out.read_text(encoding="utf-8")
    assert f"every-rule: 2000 promoters, 3 months, {summary['orders']} orders" in capsys.readouterr().out


def test_command_line_same_seed_same_json(tmp_path, capsys):
    outputs = []
    for _ in range(2):
        code = plan_main(["simulate", "rank-differential-peer", "--promoters", "2000", "--months", "3",
                          "--seed", "9", "--json", "-"])
        assert code == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0])["seed"] == 9


@pytest.mark.parametrize("argv", [
    ["simulate", "no-such-plan.yaml"],
    ["simulate", "single-level-cps", "--months", "0"],
    ["simulate", "single-level-cps", "--promoters", "many"],
])
def test_command_line_refuses_bad_input_with_exit_2(argv, tmp_path, capsys):
    assert plan_main([*argv, "--json", str(tmp_path / "s.json")]) == 2
    assert not (tmp_path / "s.json").exists()
    assert capsys.readouterr().out == ""


def test_command_line_names_the_invalid_field_of_a_plan(tmp_path, capsys):
    plan_file = tmp_path / "bad.yaml"
    plan_file.write_text("id: x\nranks: [{id: a}]\nrules: [{type: direct, rate: 0.5}]\n", encoding="utf-8")
    assert plan_main(["simulate", str(plan_file)]) == 2
    assert "rules[0].rate" in capsys.readouterr().err


def test_a_plan_without_jurisdiction_is_checked_under_cn():
    plan = load_plan({"id": "bare", "ranks": [{"id": "member"}], "rules": [{"type": "direct", "rate": "0.1"}]})
    summary = simulate(plan, SimulationParams(promoters=300, months=2, seed=1))
    assert summary["profile"] == "cn"
    assert "L11" in {f["code"] for f in summary["findings"]}  # disclosure is not true


def test_the_simulator_imports_no_django():
    # the simulator is pure like the engine: importing all of it loads no Django module
    code = ("import sys, tuishou.incentives.simulation.cli, tuishou.incentives.engine.batch; "
            "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
