"""Template context for every page of the web app: the person's roles and the navigation they see."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from tuishou.accounts.selectors import PROMOTER, user_roles


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str
    icon: str


HOME = NavItem("home", _("Home"), "/", "🏠")
CART = NavItem("cart", _("Cart"), "/cart/", "🛒")
ORDERS = NavItem("orders", _("Orders"), "/orders/", "📦")
CENTRE = NavItem("centre", _("Promoter"), "/centre/", "💰")
ME = NavItem("me", _("Me"), "/me/", "👤")


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

    return {"roles": roles, "nav": SimpleLazyObject(nav), "current_tab": _current(request.path)}
