"""The promoter centre's commission list (佣金明细): each commission with its order, the rule and the plan version
that paid it, and why, in words; filtered by status, paginated."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET

from tuishou.core.pages import paginate
from tuishou.incentives.readable import RULE_TYPES
from tuishou.network.models import Promoter
from tuishou.network.views_centre import promoter_page
from tuishou.settlement.models import Commission
from tuishou.settlement.selectors import (
    commission_rows_loaded,
    promoter_all_commissions_query,
    promoter_commission_summary,
)

Status = Commission.Status
STATUS_LABELS = {Status.PENDING: pgettext_lazy("commission status", "Pending"),
                 Status.AVAILABLE: pgettext_lazy("commission status", "Available"),
                 Status.CLAWED_BACK: pgettext_lazy("commission status", "Clawed back"),
                 Status.CANCELLED: pgettext_lazy("commission status", "Cancelled")}
STATUS_FILTERS = {"": pgettext_lazy("commission status", "All"), **STATUS_LABELS}
TONES = {Status.PENDING: "warn", Status.AVAILABLE: "ok", Status.CLAWED_BACK: "danger", Status.CANCELLED: "off"}
STATUS_BADGES = {status: (TONES[status], label) for status, label in STATUS_LABELS.items()}
RULE_WORDS = {
    "direct": gettext_lazy("direct commission on a sale credited to you"),
    "self_purchase": gettext_lazy("self-purchase commission"),
    "tiers": gettext_lazy("team commission from a sale in your team"),
    "differential": gettext_lazy("rank differential on a sale in your team"),
    "peer": gettext_lazy("peer bonus on a sale by a promoter of your rank"),
    "recruit_bonus": gettext_lazy("recruiting bonus"),
    "team_volume": gettext_lazy("monthly team volume bonus"),
    "pool": gettext_lazy("monthly pool share"),
}


def coupon_why(commission) -> str:
    """Why a coupon goods commission was paid: the item, the platform's commission × the rate."""
    return _("coupon goods %(title)s: the platform's commission ¥%(base)s × %(rate)s%%") % {
        "title": commission.order.item.title, "base": commission.base, "rate": rate_text(commission.rate)}


def rule_type(rule: str, plan_version) -> str:
    """The type of the rule that paid (``direct``, ``tiers``, …). A commission names its rule by the rule's label,
    which is the plan's own id when the rule has one (``sales_commission``): a name for the plan's authors, not for
    the promoter, so the type is looked up in the plan version that paid (loaded with the row)."""
    if rule in RULE_WORDS or plan_version is None:
        return rule
    rules = (plan_version.document or {}).get("rules", [])
    return next((r["type"] for r in rules if r.get("id") == rule), rule)


def rule_name(source: str, commission) -> str:
    """The rule's type as a short name a person reads (直推佣金), else its label."""
    version = commission.plan_version if source == "order" else commission.order.plan_version
    return str(RULE_TYPES.get(rule_type(commission.rule, version), commission.rule))


def why(commission: Commission, promoter: Promoter) -> str:
    """Why the commission was paid, in the page's language: whose sale, which rule, base × rate."""
    rule = RULE_WORDS.get(rule_type(commission.rule, commission.plan_version), commission.rule)
    if commission.order_id is None:
        return _("%(rule)s for %(period)s") % {"rule": rule, "period": commission.period}
    chain = commission.order.chain or []
    level = next((i for i, link in enumerate(chain) if link.get("promoter_id") == promoter.pk), None)
    if level == 0:
        whose = _("your own customer's order")
    elif level is not None:
        whose = _("an order of your level-%(n)s team member") % {"n": level}
    else:
        whose = _("an order")
    return _("%(rule)s: %(whose)s, commission base ¥%(base)s × %(rate)s%%") % {
        "rule": rule, "whose": whose, "base": commission.base, "rate": rate_text(commission.rate)}


def rate_text(rate: Decimal) -> str:
    """The stored rate is the effective one (amount ÷ base, after rounding down to the fen): ``0.299666`` reads
    as ``≈30``, an exact ``0.3`` as ``30``."""
    percent = rate * 100
    shown = percent.quantize(Decimal("0.1")).normalize()
    return f"{shown:f}" if shown == percent else f"≈{shown:f}"


@require_GET
@promoter_page
def commissions(request: HttpRequest, promoter: Promoter) -> HttpResponse:
    """My commissions newest first (those of coupon goods too), filtered by ``?status=``; balances at the top."""
    status = request.GET.get("status", "")
    if status not in STATUS_FILTERS:
        status = ""
    page = paginate(request, promoter_all_commissions_query(promoter=promoter, status=status or None))
    rows = [{"c": c, "source": source, "why": why(c, promoter) if source == "order" else coupon_why(c),
             "rule": rule_name(source, c),
             "badge": STATUS_BADGES.get(c.status, ("off", c.status))}
            for source, c in commission_rows_loaded(page.object_list)]
    return render(request, "settlement/centre/commissions.html", {
        "page": page, "rows": rows, "status": status, "filters": STATUS_FILTERS,
        "summary": promoter_commission_summary(promoter)})
