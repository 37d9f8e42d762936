"""Template context for every page of the web app: the person's roles and the navigation they see."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from tuishou.accounts.models import OperatorRole
from tuishou.accounts.permissions import is_operator
from tuishou.accounts.selectors import PROMOTER, user_roles


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str
    icon: str
    roles: tuple[str, ...] = ()  # operator desk: the roles whose pages these are (none: every operator)


HOME = NavItem("home", _("Home"), "/", "🏠")
CART = NavItem("cart", _("Cart"), "/cart/", "🛒")
ORDERS = NavItem("orders", _("Orders"), "/orders/", "📦")
CENTRE = NavItem("centre", _("Promoter"), "/centre/", "💰")
ME = NavItem("me", _("Me"), "/me/", "👤")


# The desks: the merchant portal, the agency portal and the operator's back office. Each page under a desk's
# prefix renders ``desk.html`` with this navigation down the side (a scrolling strip on a phone).
MERCHANT_DESK = (
    NavItem("merchant", _("Overview"), "/merchant/", "📊"),
    NavItem("merchant-products", _("Products"), "/merchant/products/", "🏷️"),
    NavItem("merchant-orders", _("Orders to ship"), "/merchant/orders/", "🚚"),
    NavItem("merchant-after-sales", _("After-sales"), "/merchant/after-sales/", "🛟"),
    NavItem("merchant-statements", _("Statements"), "/merchant/statements/", "📑"),
    NavItem("merchant-payouts", _("Payouts"), "/merchant/payouts/", "🏦"),
    NavItem("merchant-staff", _("Staff"), "/merchant/staff/", "👥"),
)
AGENCY_DESK = (
    NavItem("agency", _("Overview"), "/agency/", "📊"),
    NavItem("agency-promoters", _("Promoters"), "/agency/promoters/", "🧑‍🤝‍🧑"),
    NavItem("agency-mentors", _("Mentors"), "/agency/mentors/", "🎓"),
    NavItem("agency-growth", _("Growth"), "/agency/growth/", "📈"),
    NavItem("agency-plan", _("Incentive plan"), "/agency/plan/", "🧮"),
    NavItem("agency-leaderboards", _("Leaderboards"), "/agency/leaderboards/", "🏆"),
    NavItem("agency-announcements", _("Announcements"), "/agency/announcements/", "📣"),
    NavItem("agency-campaigns", _("Hot-product campaigns"), "/agency/campaigns/", "🔥"),
)
OPS, FINANCE, SERVICE, RISK = (OperatorRole.Role.OPS.value, OperatorRole.Role.FINANCE.value,
                               OperatorRole.Role.CUSTOMER_SERVICE.value, OperatorRole.Role.RISK.value)
OPERATOR_DESK = (
    NavItem("ops", _("Dashboard"), "/ops/", "📊"),
    NavItem("ops-income", _("Income disclosure"), "/ops/income/", "⚖️"),
    NavItem("ops-reviews", _("Product reviews"), "/ops/reviews/", "🔎", (OPS,)),
    NavItem("ops-inspections", _("Inspections"), "/ops/inspections/", "🔍", (OPS,)),
    NavItem("ops-plans", _("Incentive plans"), "/ops/plans/", "🧮", (OPS,)),
    NavItem("ops-withdrawals", _("Withdrawals"), "/ops/withdrawals/", "🏦", (FINANCE,)),
    NavItem("ops-risk", _("Risk flags"), "/ops/risk/", "🚩", (FINANCE, RISK)),
    NavItem("ops-after-sales", _("Escalated after-sales"), "/ops/after-sales/", "🛟", (SERVICE,)),
    NavItem("ops-promoters", _("Promoters"), "/ops/promoters/", "🧑‍🤝‍🧑"),
    NavItem("ops-communities", _("Communities"), "/ops/communities/", "🏘️", (OPS,)),
    NavItem("ops-leaderboards", _("Leaderboards"), "/ops/leaderboards/", "🏆"),
    NavItem("ops-materials-rewards", _("Materials rewards"), "/ops/materials/rewards/", "🎁", (OPS, FINANCE)),
    NavItem("ops-materials", _("Material reports"), "/ops/materials/", "🚨", (OPS,)),
    NavItem("ops-announcements", _("Announcements"), "/ops/announcements/", "📣", (OPS,)),
    NavItem("ops-campaigns", _("Hot-product campaigns"), "/ops/campaigns/", "🔥", (OPS,)),
    NavItem("ops-coupons", _("Coupon goods"), "/ops/coupons/", "🎟️"),
    NavItem("admin", _("Back office"), "/admin/", "🗄️"),
)
DESKS = {"/merchant/": (_("Merchant portal"), MERCHANT_DESK), "/agency/": (_("Agency portal"), AGENCY_DESK),
         "/ops/": (_("Operations"), OPERATOR_DESK)}


def desk_of(path: str) -> tuple[str, tuple[NavItem, ...]] | None:
    """The desk whose prefix ``path`` is under: (its title, its navigation), or None for the consumer app."""
    for prefix, desk in DESKS.items():
        if path.startswith(prefix):
            return desk
    return None


def desk_current(path: str, items: tuple[NavItem, ...]) -> str:
    """The key of the desk's item ``path`` belongs to: the longest prefix match (the overview only exactly)."""
    best = ""
    for item in items:
        if (path == item.url or (path.startswith(item.url) and item.url.count("/") > 2)) and len(item.url) > len(best):
            best = item.url
    return next((item.key for item in items if item.url == best), "")


def desk_visible(user, items: tuple[NavItem, ...]) -> tuple[NavItem, ...]:
    """The items ``user`` may open: an item naming roles only for an operator holding one of them (or admin)."""
    return tuple(item for item in items if not item.roles or is_operator(user, *item.roles))


def _current(path: str) -> str:
    for item in (CART, ORDERS, CENTRE, ME):
        if path.startswith(item.url):
            return item.key
    return HOME.key if path == "/" else ""


def shell(request: HttpRequest) -> dict:
    """``roles`` (lazy: one query per kind of role, only when a page asks), ``nav`` and ``current_tab``."""
    roles = SimpleLazyObject(lambda: user_roles(getattr(request, "user", None)))

    def nav():
        items = [HOME, CART, ORDERS]
        if PROMOTER in roles:
            items.append(CENTRE)
        items.append(ME)
        return items

    context = {"roles": roles, "nav": SimpleLazyObject(nav), "current_tab": _current(request.path)}
    desk = desk_of(request.path)
    if desk is not None:
        items = desk_visible(getattr(request, "user", None), desk[1])
        context.update(desk_title=desk[0], desk_nav=items, desk_tab=desk_current(request.path, items))
    return context
