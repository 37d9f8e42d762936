"""The compliance check: exact findings for the shipped templates and the spec's sample plan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tuishou.incentives.engine import PlanError, check_plan, list_templates, load_plan, load_template

FIXTURES = Path(__file__).parent / "fixtures"

E, W = "error", "warning"


def findings(plan, profile: str) -> list[tuple[str, str, str | None]]:
    return [(f.code, f.severity, f.rule) for f in check_plan(plan, profile=profile).findings]


def sample_plan():
    return load_plan((FIXTURES / "sample_plan.yaml").read_text(encoding="utf-8"))


def test_the_four_templates_are_shipped():
    assert list_templates() == [
        "rank-differential-peer", "single-level-cps", "team-volume-bonus", "two-level-distribution",
    ]


@pytest.mark.parametrize("name", ["rank-differential-peer", "single-level-cps", "team-volume-bonus",
                                  "two-level-distribution"])
def test_each_template_passes_the_profile_it_declares(name):
    plan = load_template(name)
    result = check_plan(plan)
    assert result.profile == plan.jurisdiction
    assert result.errors == []


def test_single_level_cps_has_no_finding_under_any_profile():
    plan = load_template("single-level-cps")
    assert plan.jurisdiction == "cn-strict"
    for profile in ("cn-strict", "cn", "us", "eu"):
        assert findings(plan, profile) == []


def test_two_level_distribution_findings_per_profile():
    plan = load_template("two-level-distribution")
    assert plan.jurisdiction == "cn"
    assert findings(plan, "cn-strict") == [("L4", E, "referral_commission")]
    assert findings(plan, "cn") == [("L4", W, "referral_commission")]
    assert findings(plan, "us") == []
    assert findings(plan, "eu") == []


def test_rank_differential_peer_findings_per_profile():
    plan = load_template("rank-differential-peer")
    assert plan.jurisdiction == "us"
    assert findings(plan, "cn-strict") == [
        ("L4", E, "rank_differential"), ("L4", E, "peer_bonus"),
        ("L5", E, "rank_differential"), ("L5", E, "peer_bonus"),
    ]
    assert findings(plan, "cn") == [
        ("L4", W, "rank_differential"), ("L4", W, "peer_bonus"),
        ("L5", E, "rank_differential"), ("L5", E, "peer_bonus"),
    ]
    assert findings(plan, "us") == [("L5", W, "rank_differential"), ("L5", W, "peer_bonus")]
    assert findings(plan, "eu") == [("L5", W, "rank_differential"), ("L5", W, "peer_bonus")]


def test_team_volume_bonus_findings_per_profile():
    plan = load_template("team-volume-bonus")
    assert plan.jurisdiction == "us"
    assert findings(plan, "cn-strict") == [("L4", E, "performance_bonus"), ("L6", E, "performance_bonus")]
    assert findings(plan, "cn") == [("L4", W, "performance_bonus"), ("L6", W, "performance_bonus")]
    assert findings(plan, "us") == [("L6", W, "performance_bonus")]
    assert findings(plan, "eu") == [("L6", W, "performance_bonus")]


SAMPLE_COMMON_TAIL = [
    ("L7", W, None), ("L7", W, None), ("L7", W, "team_volume"),
    ("L8", W, None),
]


def test_sample_plan_findings_under_cn_strict():
    assert findings(sample_plan(), "cn-strict") == [
        ("L1", E, "recruit_bonus"),
        ("L3", E, None),
        ("L4", E, "tiers"), ("L4", E, "differential"), ("L4", E, "peer"), ("L4", E, "team_volume"),
        ("L4", E, "pool"),
        ("L5", E, "tiers"), ("L5", E, "differential"), ("L5", E, "peer"),
        ("L6", E, "team_volume"), ("L6", E, "pool"),
        *SAMPLE_COMMON_TAIL,
    ]


def test_sample_plan_findings_under_cn_fail_l1_and_l5():
    assert findings(sample_plan(), "cn") == [
        ("L1", E, "recruit_bonus"),
        ("L3", W, None),
        ("L4", W, "tiers"), ("L4", W, "differential"), ("L4", W, "peer"), ("L4", W, "team_volume"),
        ("L4", W, "pool"),
        ("L5", E, "tiers"), ("L5", E, "differential"), ("L5", E, "peer"),
        ("L6", W, "team_volume"), ("L6", W, "pool"),
        *SAMPLE_COMMON_TAIL,
    ]


@pytest.mark.parametrize("profile", ["us", "eu"])
def test_sample_plan_findings_under_us_and_eu(profile):
    assert findings(sample_plan(), profile) == [
        ("L1", E, "recruit_bonus"),
        ("L3", W, None),
        ("L5", W, "tiers"), ("L5", W, "differential"), ("L5", W, "peer"),
        ("L6", W, "team_volume"), ("L6", W, "pool"),
        *SAMPLE_COMMON_TAIL,
    ]


def test_sample_plan_l8_names_the_worst_case_and_the_cap():
    result = check_plan(sample_plan())
    (l8,) = [f for f in result.findings if f.code == "L8"]
    assert l8.message == ("worst-case payouts of one order add up to 1.4 × B, above the cap of 1.0 × B: "
                          "payouts will be scaled")


def plan_doc(**overrides) -> dict:
    """A plan with no finding under any profile, to change one thing at a time."""
    doc = {
        "id": "clean", "jurisdiction": "cn-strict", "disclosure": True,
        "settlement": {"freeze_days": 7},
        "ranks": [{"id": "member"}, {"id": "star", "qualify": {
            "personal_volume": {"min": "100", "days": 30, "count_self": False}}}],
        "rules": [{"type": "direct", "rate": "0.50"}],
    }
    doc.update(overrides)
    return doc


def codes(doc: dict, profile: str = "cn-strict", **kwargs) -> list[tuple[str, str, str | None]]:
    return [(f.code, f.severity, f.rule) for f in check_plan(load_plan(doc), profile=profile, **kwargs).findings]


def test_clean_plan_has_no_finding():
    assert codes(plan_doc()) == []


def test_l2_bought_reaches_a_paid_rank():
    doc = plan_doc(ranks=[{"id": "member"}, {"id": "vip", "qualify": {"bought": {"amount": "399.00"}}}],
                   rules=[{"type": "direct", "rate": {"vip": "0.50"}}])
    assert codes(doc, "us") == [("L2", E, None)]


def test_l2_not_raised_for_a_rank_that_is_never_paid():
    doc = plan_doc(ranks=[{"id": "member"}, {"id": "vip", "qualify": {"bought": {"amount": "399.00"}}}],
                   rules=[{"type": "direct", "rate": {"member": "0.50"}}])
    assert codes(doc, "us") == []


def test_l3_and_l7_for_self_counted_volume_alone():
    doc = plan_doc(ranks=[{"id": "member"}, {"id": "star", "qualify": {
        "any": [{"personal_volume": {"min": "100"}}, {"direct_promoters": {"min": 3}}]}}])
    assert codes(doc) == [("L3", E, None), ("L7", W, None), ("L10", W, None)]
    assert codes(doc, "cn") == [("L3", W, None), ("L7", W, None), ("L10", W, None)]


def test_l5_and_l4_for_two_tiers_on_top_of_direct():
    doc = plan_doc(rules=[{"type": "direct", "rate": "0.50"}, {"type": "tiers", "rates": ["0.10", "0.05"]}],
                   compression={"active_if": {"personal_orders": {"min": 1, "days": 30}}})
    assert codes(doc, "cn-strict") == [("L4", E, "tiers"), ("L5", E, "tiers")]
    assert codes(doc, "cn") == [("L4", W, "tiers"), ("L5", E, "tiers")]
    assert codes(doc, "us") == [("L5", W, "tiers")]


def test_l6_for_uplines_paid_without_compression_or_personal_test():
    doc = plan_doc(rules=[{"type": "direct", "rate": "0.50"}, {"type": "tiers", "rates": ["0.10"]}])
    assert codes(doc, "cn") == [("L4", W, "tiers"), ("L6", W, "tiers")]
    only_stars = plan_doc(rules=[{"type": "tiers", "rates": ["0.10"], "min_rank": "star"}])
    assert codes(only_stars, "cn") == [("L4", W, "tiers")]


def test_l8_error_without_cap_and_warning_with_cap():
    rules = [{"type": "direct", "rate": "0.80"}, {"type": "self_purchase", "rate": "0.30"}]
    assert codes(plan_doc(rules=rules)) == [("L8", E, None)]
    assert codes(plan_doc(rules=rules, caps={"per_order": "1.0"})) == [("L8", W, None)]
    assert codes(plan_doc(rules=rules, caps={"per_order": "1.05"})) == [("L8", E, None)]


def test_l8_peer_on_income_is_relative_to_the_income():
    # worst case: 0.60 (differential) + 0.50 × 0.60 × 1 × 2 ranks = 1.20
    doc = plan_doc(rules=[{"type": "differential", "rates": {"star": "0.60"}},
                          {"type": "peer", "rate": "0.50", "source": "income"}],
                   compression={"active_if": {"personal_orders": {"min": 1, "days": 30}}})
    result = check_plan(load_plan(doc), profile="us")
    assert [(f.code, f.severity) for f in result.findings] == [("L5", W), ("L5", W), ("L8", E)]
    assert result.findings[-1].message == "one order can pay out 1.2 × B, more than B (with no cap)"


def test_l9_freeze_shorter_than_after_sales_window():
    assert codes(plan_doc(settlement=None)) == [("L9", E, None)]
    assert codes(plan_doc(), after_sales_days=14) == [("L9", E, None)]


def test_l11_without_disclosure():
    assert codes(plan_doc(disclosure=False), "eu") == [("L11", W, None)]


def test_check_without_any_profile_is_a_plan_error():
    with pytest.raises(PlanError) as caught:
        check_plan(load_plan(plan_doc(jurisdiction=None)))
    assert caught.value.field == "jurisdiction"


def test_cli_check_json_of_the_sample_plan(cli):
    # given the sample plan; when checked under its own profile (cn)
    code, out, err = cli.run("check", str(FIXTURES / "sample_plan.yaml"), "--format", "json")
    # then exit 1 (L1, L5 are errors), and the JSON lists every finding
    report = json.loads(out)
    assert (code, err) == (1, "")
    assert report["plan"] == "official"
    assert report["profile"] == "cn"
    assert (report["errors"], report["warnings"]) == (4, 12)
    assert report["findings"][0] == {"code": "L1", "severity": "error", "rule": "recruit_bonus",
                                     "message": "pays a reward for recruiting as such (拉人头)"}
    assert [f["code"] for f in report["findings"]] == [
        "L1", "L3", "L4", "L4", "L4", "L4", "L4", "L5", "L5", "L5", "L6", "L6", "L7", "L7", "L7", "L8"]


def test_cli_check_text_prints_one_finding_a_line(cli):
    path = cli.write("plan.yaml", plan_doc(disclosure=False))
    code, out, err = cli.run("check", path, "--jurisdiction", "us")
    assert (code, err) == (0, "")
    assert out == ("L11 warning -: disclosure is not true: the income-disclosure report is not published "
                   "to the community\n")


def test_cli_check_exit_codes(cli):
    template = cli.write("t.yaml", (FIXTURES.parent / "fixtures" / "sample_plan.yaml").read_text())
    assert cli.run("check", cli.write("clean.yaml", plan_doc()))[0] == 0
    assert cli.run("check", template, "--jurisdiction", "us")[0] == 1
    assert cli.run("check", cli.write("short.yaml", plan_doc()), "--after-sales-days", "10")[0] == 1
    code, out, err = cli.run("check", cli.write("bad.yaml", "id: x\nranks: []\nrules: []\n"))
    assert (code, out) == (2, "")
    assert err == "tuishou plan: invalid plan: ranks: expected a non-empty list of ranks, lowest first (in " \
                  f"{cli.tmp_path / 'bad.yaml'})\n"
    code, out, err = cli.run("check", str(cli.tmp_path / "missing.yaml"))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "cannot read" in err
