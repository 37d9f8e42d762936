"""The compliance check (合规检查) of a plan against anti-pyramid rules, codes L1–L11.

Profiles: ``cn-strict``, ``cn``, ``us``, ``eu`` (《禁止传销条例》 art. 7; the 2013 SPC/SPP/MPS
opinion; FTC MLM guidance 2024; EU UCPD Annex I pt 14). The check reads the plan only; it never
runs it. Where a finding needs a worst case (L5, L8) it takes every per-order rule at its largest:

- L5 counts p0 (when any rule pays p0) plus, rule by rule, the uplines each rule can pay: tiers
  its paid levels, differential one per distinct rate above the lowest, peer ``per_rank`` per rank
  at or above its ``min_rank``.
- L8 sums, rule by rule: direct and self_purchase at their highest rate, tiers summed,
  differential at its highest rate, peer × ``per_rank`` × the ranks at or above ``min_rank``
  (for ``source: income``, times the most one promoter can earn from the rules before it).

L6 (paid with no sales of one's own): compression keeps inactive uplines from per-order payouts,
but compression never applies to period rules, so team_volume and pool are judged on the
qualification of the ranks they pay whether or not the plan compresses.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tuishou.incentives.engine.conditions import AllOf, AnyOf, Test
from tuishou.incentives.engine.errors import PlanError
from tuishou.incentives.engine.parts import PROFILES
from tuishou.incentives.engine.plan import Plan
from tuishou.incentives.engine.qualify import metric_tests
from tuishou.incentives.engine.rules import OrderRule
from tuishou.incentives.engine.rules.context import RankFacts

ERROR = "error"
WARNING = "warning"

_E, _W = ERROR, WARNING
# Severity by code and profile (cn-strict, cn, us, eu); None: not reported under that profile.
SEVERITY: dict[str, tuple[str | None, ...]] = {
    "L1": (_E, _E, _E, _E),
    "L2": (_E, _E, _E, _E),
    "L3": (_E, _W, _W, _W),
    "L4": (_E, _W, None, None),
    "L5": (_E, _E, _W, _W),
    "L6": (_E, _W, _W, _W),
    "L7": (_W, _W, _W, _W),
    "L9": (_E, _E, _E, _E),
    "L10": (_W, _W, _W, _W),
    "L11": (_W, _W, _W, _W),
}  # L8 is an error or a warning depending on the cap, in every profile
HEADCOUNT_METRICS = ("direct_promoters", "legs_at_rank")
Raw = tuple[str, str | None, str | None, str]
"""A finding before its severity is looked up: (code, severity or None for the profile's, rule, message)."""
SELF_COUNTING_METRICS = ("personal_volume", "team_volume", "personal_orders")


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding: a code (L1…L11), a severity, the rule's label (None: plan-wide), a message."""

    code: str
    severity: str
    rule: str | None
    message: str

    def to_json(self) -> dict[str, Any]:
        """The finding as a JSON-ready mapping."""
        return {"code": self.code, "severity": self.severity, "rule": self.rule, "message": self.message}


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The findings of a check under one profile, ordered by code, then rule or rank order."""

    profile: str
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> list[Finding]:
        """Findings of severity error: the plan cannot be published under this profile."""
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        """Findings of severity warning."""
        return [f for f in self.findings if f.severity == WARNING]

    def to_json(self, plan_id: str) -> dict[str, Any]:
        """The JSON-ready mapping printed by ``tuishou plan check --format json``."""
        return {
            "plan": plan_id,
            "profile": self.profile,
            "findings": [f.to_json() for f in self.findings],
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }


def check_plan(plan: Plan, *, profile: str | None = None, after_sales_days: int = 7) -> CheckResult:
    """Check a plan under a compliance profile (default: the plan's ``jurisdiction``).

    `after_sales_days` is the platform's after-sales window that ``settlement.freeze_days`` must
    cover (L9). Raises `PlanError` when there is no profile or it is unknown.
    """
    profile = profile or plan.jurisdiction
    if profile is None:
        raise PlanError("jurisdiction", "no compliance profile: set jurisdiction or choose a profile")
    if profile not in PROFILES:
        raise PlanError("jurisdiction", f"unknown profile {profile!r} (expected one of: {', '.join(PROFILES)})")
    column = PROFILES.index(profile)
    raw = _Analysis(plan, after_sales_days).findings()
    findings = []
    for code, severity, rule, message in raw:
        if severity is None:
            severity = SEVERITY[code][column]
        if severity is not None:
            findings.append(Finding(code, severity, rule, message))
    findings.sort(key=lambda f: int(f.code[1:]))  # stable: keeps rule and rank order within a code
    return CheckResult(profile, tuple(findings))


# --- analysis --------------------------------------------------------------------------------------

def _requires_own_sales(test: Test | None) -> bool:
    """Whether passing `test` needs personal volume or orders within a window."""
    if test is None:
        return False
    if isinstance(test, AllOf):
        return any(_requires_own_sales(t) for t in test.tests)
    if isinstance(test, AnyOf):
        return all(_requires_own_sales(t) for t in test.tests)
    return test.metric in ("personal_volume", "personal_orders") and test.days is not None


def _self_purchase_suffices(test: Test) -> bool:
    """Whether volume that counts self-purchases alone can pass `test` (no other kind of test)."""
    if isinstance(test, AllOf):
        return all(_self_purchase_suffices(t) for t in test.tests)
    if isinstance(test, AnyOf):
        return any(_self_purchase_suffices(t) for t in test.tests)
    return test.metric in SELF_COUNTING_METRICS and bool(test.count_self)


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if "." in text else f"{text}.0"


class _Analysis:
    """Works out, rule by rule, who can be paid and how much, then lists the raw findings.

    What each rule can pay, and to whom, are facts the rule types state (``Rule.paid_ranks``, …).
    """

    def __init__(self, plan: Plan, after_sales_days: int) -> None:
        self.plan = plan
        self.after_sales_days = after_sales_days
        self.ranks = RankFacts(plan.rank_ids)

    def names(self, indexes: set[int]) -> str:
        return ", ".join(self.plan.ranks[i].id for i in sorted(indexes))

    def findings(self) -> list[Raw]:
        """Every raw finding; `check_plan` orders them by code (stable within a code)."""
        return [*self.recruiting(), *self.rank_findings(), *self.upline_findings(), *self.order_findings(),
                *self.settlement_findings()]

    def recruiting(self) -> list[Raw]:
        """L1 拉人头."""
        return [("L1", None, rule.label, "pays a reward for recruiting as such (拉人头)")
                for rule in self.plan.rules if rule.rewards_recruiting]

    def rank_findings(self) -> list[Raw]:
        """L2, L3, L7, L10: rank by rank (the lowest rank is everyone's, so it is not "reached")."""
        plan, out = self.plan, []
        paid: set[int] = set()
        for rule in plan.rules:
            paid |= rule.paid_ranks(self.ranks)
        for i, rank in enumerate(plan.ranks):
            tests = list(metric_tests(rank.qualify))
            if i > 0 and i in paid and any(t.metric == "bought" for t in tests):
                out.append(("L2", None, None, f"rank {rank.id} is paid and can be reached by buying "
                                              "(bought: 入门费 / buy-to-qualify)"))
            if i > 0 and i in paid and rank.qualify is not None and _self_purchase_suffices(rank.qualify):
                out.append(("L3", None, None, f"rank {rank.id} is paid and can be reached on volume that "
                                              "counts self-purchases, with no other test"))
        for rank in plan.ranks:
            counting = sorted({t.metric for t in metric_tests(rank.qualify)
                               if t.metric in SELF_COUNTING_METRICS and t.count_self})
            if counting:
                out.append(("L7", None, None, f"rank {rank.id}: self-purchases count toward "
                                              f"{', '.join(counting)} (set count_self: false)"))
        for rule in plan.rules:
            if rule.counts_self_purchases:
                out.append(("L7", None, rule.label, "self-purchases count toward team volume "
                                                    "(set count_self: false)"))
        for rank in plan.ranks:
            headcount = sorted({t.metric for t in metric_tests(rank.qualify) if t.metric in HEADCOUNT_METRICS})
            if headcount:
                out.append(("L10", None, None, f"rank {rank.id}: threshold uses headcount "
                                               f"({', '.join(headcount)})"))
        return out

    def upline_findings(self) -> list[Raw]:
        """L4 团队计酬, L6 uplines paid with no sales of their own."""
        plan, out = self.plan, []
        for rule in plan.rules:
            uplines = rule.upline_ranks(self.ranks)
            if not uplines:
                continue
            out.append(("L4", None, rule.label, "pays uplines on their downlines' sales (团队计酬)"))
            if rule.per_order and plan.compression is not None:
                continue
            idle = {i for i in uplines if not _requires_own_sales(plan.ranks[i].qualify)}
            if idle:
                why = "no compression" if rule.per_order else "compression does not apply to period rules"
                out.append(("L6", None, rule.label,
                            f"can pay uplines with no sales of their own ({why}; ranks {self.names(idle)} "
                            "have no qualifying test on personal volume or orders in a window)"))
        return out

    def order_findings(self) -> list[Raw]:
        """L5 three or more paid on one order (三级及以上), L8 the worst case of one order."""
        plan, out = self.plan, []
        order_rules = [r for r in plan.rules if isinstance(r, OrderRule)]
        counts = {r.label: r.upline_count(self.ranks) for r in order_rules}
        most = int(any(r.pays_p0(self.ranks) for r in order_rules)) + sum(counts.values())
        if most >= 3:
            for rule in order_rules:
                if counts[rule.label]:
                    out.append(("L5", None, rule.label,
                                f"up to {most} promoters can be paid on one order; this rule pays up to "
                                f"{counts[rule.label]} upline(s)"))
        worst = self.worst_case(order_rules)
        cap = plan.caps.per_order
        bound = worst if cap is None else min(worst, cap)
        if bound > 1:
            where = "with no cap" if cap is None else f"under a cap of {_fmt(cap)} × B"
            out.append(("L8", ERROR, None, f"one order can pay out {_fmt(bound)} × B, more than B ({where})"))
        elif cap is not None and worst > cap:
            out.append(("L8", WARNING, None, f"worst-case payouts of one order add up to {_fmt(worst)} × B, "
                                             f"above the cap of {_fmt(cap)} × B: payouts will be scaled"))
        return out

    def settlement_findings(self) -> list[Raw]:
        """L9 freeze shorter than the after-sales window, L11 no income disclosure."""
        plan, out = self.plan, []
        freeze = plan.settlement.freeze_days if plan.settlement else 0
        if freeze < self.after_sales_days:
            out.append(("L9", None, None, f"freeze_days is {freeze}, shorter than the after-sales window of "
                                          f"{self.after_sales_days} days: commission could be withdrawn "
                                          "before a refund"))
        if plan.disclosure is not True:
            out.append(("L11", None, None, "disclosure is not true: the income-disclosure report is not "
                                           "published to the community"))
        return out

    def worst_case(self, order_rules: list[OrderRule]) -> Decimal:
        """Σ over per-order rules of each rule's largest payout on one order, in units of B."""
        total = Decimal(0)
        per_recipient = Decimal(0)  # the most one promoter can earn from the rules so far
        for rule in order_rules:
            most, one = rule.largest_payout(self.ranks, per_recipient)
            total += most
            per_recipient += one
        return total
