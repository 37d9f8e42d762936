"""The risk queue (风控队列) as a desk list (``tuishou.core.listing``): filters by rule, status and community."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from tuishou.core.listing import Column, Filter, Listing
from tuishou.network.models import Community
from tuishou.risk import rules as R
from tuishou.risk import selectors
from tuishou.risk.models import RiskFlag

STATUS_LABELS = {"open": pgettext_lazy("risk flag", "Open"), "cleared": pgettext_lazy("risk flag", "Cleared"),
                 "rejected": pgettext_lazy("risk flag", "Rejected")}


def rule_title(code: str) -> str:
    rule = R.RULES.get(code)
    return gettext(rule.title) if rule else code


# What a rule saw, in the operator's words (the thresholds in force beside them take the rule's own labels).
EVIDENCE_LABELS = {
    "new_accounts": _("New accounts"), "orders": _("Orders"), "destination": _("Shared destination"),
    "accounts": _("Buyer accounts"), "hours_after_settlement": _("Hours from settlement to refund"),
    "self_purchases": _("Self-purchases (yuan)"), "sales_to_others": _("Sales to others (yuan)"),
    "ratio": _("Self-purchases ÷ sales to others"), "signups": pgettext_lazy("risk evidence", "Sign-ups"),
}
DESTINATION_LABELS = {"phone": _("the same phone number"), "address": _("the same address")}


def evidence_rows(flag: RiskFlag) -> list[tuple[str, str, object]]:
    """(label, key, value) for each figure of the flag's evidence: what the rule saw first, then its thresholds."""
    rule = R.RULES.get(flag.rule)
    thresholds = {p.name: gettext(p.label) for p in rule.params} if rule else {}
    rows = []
    for key, value in flag.evidence.items():
        if key == "destination":
            value = DESTINATION_LABELS.get(value, value)
        label = EVIDENCE_LABELS.get(key) if key not in thresholds else thresholds[key]
        rows.append((key in thresholds, str(label or key), key, value))
    return [(label, key, value) for _, label, key, value in sorted(rows, key=lambda row: row[0])]


def status_label(flag: RiskFlag) -> str:
    return str(STATUS_LABELS.get(flag.status, flag.status))


def _communities(listing) -> list[tuple[int, str]]:
    return list(Community.objects.order_by("pk").values_list("pk", "name"))


def _flag(flag) -> str:
    return reverse("risk_ops:flag", args=[flag.pk])


class RiskFlagListing(Listing):
    """Risk operators' queue: open flags by default, newest first."""

    name = "risk.flags"
    columns = (Column("pk", _("No."), num=True, link=_flag),
               Column("created_at", _("Raised"), sort="new"),
               Column("rule", pgettext_lazy("risk", "Rule"), value=lambda f: rule_title(f.rule)),
               Column("subject_label", pgettext_lazy("risk", "Subject"), link=_flag),
               Column("community.name", _("Community")),
               Column("order_count", _("Orders"), num=True, sort="orders"),
               Column("status", _("Status"), value=status_label, short=True),
               Column("reason", pgettext_lazy("risk", "Decision reason")))
    search = ("subject_label",)
    search_label = _("Subject, invite code or No.")
    filters = (Filter("rule", pgettext_lazy("risk", "Rule"), choices=lambda listing: [
                   (code, gettext(rule.title)) for code, rule in R.RULES.items()]),
               Filter("status", _("Status"), choices=tuple(STATUS_LABELS.items()), all_label=_("Any status")),
               Filter("community", _("Community"), choices=_communities, lookup="community_id"))
    sorts = {"new": (_("Newest first"), ("-created_at", "-id")), "old": (_("Oldest first"), ("created_at", "id")),
             "orders": (_("Most orders"), ("-order_count", "-id"))}
    default_sort = "new"

    def __init__(self, request=None, **kwargs) -> None:
        super().__init__(request, **kwargs)
        # The queue opens on what waits for a decision; "status=" in the URL (any status) is a choice too.
        if "status" not in self.params:
            self.active["status"] = "open"

    def search_rows(self, rows: QuerySet, term: str) -> QuerySet:
        if term.lstrip("#").isdigit() and len(term) < 19:
            return rows.filter(pk=int(term.lstrip("#")))
        return rows.filter(subject_label__icontains=term)

    def rows(self) -> QuerySet[RiskFlag]:
        return selectors.flag_queue_query(actor=self.user)
