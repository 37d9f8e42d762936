"""A plan and its compliance findings as people read them on the desk pages, in the page's language.

The engine's findings carry an English sentence with the particulars (which rank, which rate); a page shows a
sentence per finding code in the reader's language, the rule it concerns, and the particulars only in English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import get_language, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from tuishou.incentives.models import REASON_PROPOSAL_PUBLISHED, REASON_PUBLISHED, REASON_REPLACED, PlanVersion

FINDING_TEXT = {
    "L1": _("Pays a reward for recruiting as such (拉人头): never publishable."),
    "L2": _("A paid rank can be reached by buying (entry fee / buy-to-qualify)."),
    "L3": _("A paid rank is reached on volume that counts self-purchases, with no other test."),
    "L4": _("Uplines are paid on their downlines' sales (团队计酬)."),
    "L5": _("Three or more promoters can be paid on one order."),
    "L6": _("An upline can be paid with no sales of their own."),
    "L7": _("Self-purchases count toward rank or team volume."),
    "L8": _("One order's worst-case payouts exceed the commission base or the cap."),
    "L9": _("Commission could be withdrawn before the after-sales window closes."),
    "L10": _("A rank threshold counts heads (recruits) rather than sales."),
    "L11": _("The income-disclosure report is not published to the community."),
    "P1": _("Becoming a promoter requires a purchase first (possible entry fee)."),
}
SEVERITY = {"error": pgettext_lazy("finding severity", "Error"), "warning": pgettext_lazy("finding severity",
                                                                                          "Warning")}
RULE_TYPES = {
    "direct": _("Direct commission"), "self_purchase": _("Self-purchase bonus"), "tiers": _("Fixed tiers"),
    "differential": _("Rank differential (级差)"), "peer": _("Peer bonus (平级奖)"),
    "team_volume": _("Team volume bonus"), "pool": _("Pool"), "recruit_bonus": _("Recruiting bonus"),
}
METRICS = {
    "personal_volume": _("personal volume"), "team_volume": _("team volume"), "personal_orders": _("personal orders"),
    "direct_promoters": _("direct promoters"), "active_directs": _("active direct downlines"),
    "legs_at_rank": _("legs at rank"), "bought": _("own purchases"),
}


@dataclass(frozen=True)
class FindingRow:
    code: str
    severity: str
    severity_label: str
    rule: str | None
    text: str
    detail: str


def finding_rows(findings: list[dict]) -> list[FindingRow]:
    """Findings for a page: errors first; the engine's English particulars only for an English reader."""
    english = (get_language() or "").startswith("en")
    rows = [FindingRow(code=f["code"], severity=f["severity"], severity_label=str(SEVERITY.get(f["severity"],
                                                                                              f["severity"])),
                       rule=f.get("rule"), text=str(FINDING_TEXT.get(f["code"], f["code"])),
                       detail=f.get("message", "") if english else "")
            for f in findings]
    return sorted(rows, key=lambda r: (r.severity != "error", r.code))


def _test_text(test) -> str:
    """A qualify test as a line: ``personal volume ≥ 200.00 (30 days)``, ``all of: …``."""
    if not isinstance(test, dict):
        return str(test)
    if "all" in test or "any" in test:
        word = _("all of") if "all" in test else _("any of")
        return f"{word}: " + "; ".join(_test_text(t) for t in test.get("all") or test.get("any"))
    parts = []
    for metric, params in test.items():
        text = f"{METRICS.get(metric, metric)} ≥ {params.get('min', params.get('amount', ''))}"
        if params.get("rank"):
            text += f" [{params['rank']}]"
        if params.get("days"):
            text += " " + str(_("(%(days)s days)") % {"days": params["days"]})
        if params.get("count_self") is False:
            text += " " + str(_("without self-purchases"))
        parts.append(text)
    return "; ".join(parts)


# The words of a rule's and a setting's parameters, and of their enumerated values, in the reader's language.
PARAMETER_WORDS = {
    "rate": _("rate"), "rates": _("rates"), "amount": _("amount"), "share": _("share of sales"),
    "schedule": _("schedule"), "min_rank": _("lowest rank paid"), "per_rank": _("paid per rank"),
    "source": _("bonus on"), "include_seller": _("seller included"),
    "period": pgettext_lazy("plan parameter", "period"), "split": _("split"),
    "mode": _("attribution"), "valid_days": _("valid days"), "freeze_days": _("freeze days"),
    "after": _("counted from"),
}
VALUE_WORDS = {
    "first_click": _("first click"), "last_click": _("last click"), "registration": _("registration"),
    "received": _("receipt"), "completed": _("completion"), "base": _("commission base"),
    "income": _("the upline's income"), "month": _("month"), "equal": _("equally"), "by_volume": _("by volume"),
    "commission": _("commission (what the merchant pays)"), "paid": _("amount paid"),
}


def _word(value) -> str:
    if value is True or value is False:
        return str(_("yes") if value else _("no"))
    return str(VALUE_WORDS.get(value, value)) if isinstance(value, str) else str(value)


def _pair(key: str, value) -> str:
    return f"{PARAMETER_WORDS.get(key, key)}: {value}"


def _rates_text(value, ranks: dict[str, str]) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{ranks.get(rank, rank)} {rate}" for rank, rate in value.items())
    if isinstance(value, list):
        return " / ".join(str(v) for v in value)
    return str(value)


def _rule_text(rule: dict, ranks: dict[str, str]) -> str:
    """The rule's parameters on one line (rates, schedule, limits), rank ids as the plan names them."""
    bits = []
    for key in ("rate", "rates", "amount", "share"):
        if key in rule:
            bits.append(_pair(key, _rates_text(rule[key], ranks)))
    if "schedule" in rule:
        bits.append(_pair("schedule", ", ".join(f"≥{s['min']} → {s['rate']}" for s in rule["schedule"])))
    for key in ("min_rank", "per_rank", "source", "include_seller", "period", "split"):
        if key in rule:
            value = ranks.get(rule[key], rule[key]) if key == "min_rank" else _word(rule[key])
            bits.append(_pair(key, value))
    return " · ".join(bits)


def _setting_text(setting: dict | None) -> str:
    return " · ".join(_pair(key, _word(value)) for key, value in (setting or {}).items()) or "—"


def plan_readable(document: dict) -> dict:
    """Ranks, rules and parameters of a plan document (``dump_plan``'s form) for a page."""
    compression = document.get("compression")
    ranks = {r["id"]: r.get("name", r["id"]) for r in document.get("ranks", [])}
    return {
        "name": document.get("name", ""), "id": document.get("id", ""),
        "ranks": [{"id": r["id"], "name": r.get("name", r["id"]),
                   "qualify": _test_text(r["qualify"]) if r.get("qualify") else ""} for r in document.get("ranks", [])],
        "rules": [{"label": r.get("id") or r["type"], "type": str(RULE_TYPES.get(r["type"], r["type"])),
                   "params": _rule_text(r, ranks)} for r in document.get("rules", [])],
        "parameters": [
            (_("Jurisdiction"), document.get("jurisdiction") or "—"),
            (_("Currency"), document.get("currency", "")),
            (_("Commission base"), _word(document.get("base", "commission"))),
            (_("Binding"), _setting_text(document.get("binding"))),
            (_("Settlement"), _setting_text(document.get("settlement"))),
            (_("Cap per order"), (document.get("caps") or {}).get("per_order") or "—"),
            (_("Compression"), _test_text(compression["active_if"]) if compression else "—"),
            (_("Income disclosure"), _("yes") if document.get("disclosure") else _("no")),
        ],
    }


def plan_names(document: dict) -> tuple[dict[str, str], dict[str, str]]:
    """(rank id → name, rule id → its kind's name) of a plan document: what a report's ids read as on a page (a
    rule's id is added where two rules are of one kind)."""
    ranks = {r["id"]: r.get("name", r["id"]) for r in document.get("ranks", [])}
    rules = [(r.get("id") or r["type"], str(RULE_TYPES.get(r["type"], r["type"]))) for r in document.get("rules", [])]
    kinds = [kind for _, kind in rules]
    return ranks, {rule: kind if kinds.count(kind) == 1 else f"{kind} {rule}" for rule, kind in rules}


def report_named(report: dict, document: dict) -> dict:
    """A copy of a study's report whose ranks and rules read by their names in the plan, not their ids."""
    ranks, rules = plan_names(document)
    named = dict(report)
    if isinstance(report.get("by_rule"), dict):
        named["by_rule"] = {rules.get(k, k): v for k, v in report["by_rule"].items()}
    elif "by_rule" in report:
        named["by_rule"] = [{**r, "rule": rules.get(r["rule"], r["rule"])} for r in report["by_rule"]]
    for key, field in (("disclosure", "rank"), ("by_rank", "name"), ("gainers", "rank"), ("losers", "rank")):
        if key in report:
            named[key] = [{**r, field: ranks.get(r.get(field), r.get(field))} for r in report[key]]
    return named


_REPLACED = re.compile(re.escape(REASON_REPLACED).replace(re.escape("{draft}"), r"(\d+)"))


def plan_history(history: list) -> list:
    """A version's status changes as a page shows them: ``from_label`` / ``to_label``, the statuses' names, and
    ``reason_label``, the reasons the publishing services write in the reader's language (a person's own reason
    as they typed it)."""
    labels = dict(PlanVersion.Status.choices)
    words = {REASON_PUBLISHED: pgettext_lazy("plan history", "Published"),
             REASON_PROPOSAL_PUBLISHED: pgettext_lazy("plan history", "Proposal published")}
    for change in history:
        change.from_label = labels.get(change.from_status, change.from_status)
        change.to_label = labels.get(change.to_status, change.to_status)
        replaced = _REPLACED.fullmatch(change.reason or "")
        change.reason_label = (pgettext("plan history", "Replaced by draft #%(number)s") % {"number": replaced[1]}
                               if replaced else words.get(change.reason, change.reason))
    return history
