"""Reads about people: which roles a signed-in person holds, for landing and the role switcher.

A person may hold several roles at once (a promoter is also a consumer; merchant staff may buy). The roles
are read through the user's reverse relations by name, so accounts imports none of the apps that define
them (network, merchants): one query per kind of role, cached on the request's user object.
"""

from __future__ import annotations

from dataclasses import dataclass

from tuishou.accounts.models import User
from tuishou.accounts.permissions import operator_roles

CONSUMER, PROMOTER, MERCHANT, AGENCY, OPERATOR = "consumer", "promoter", "merchant", "agency", "operator"
ROLE_ORDER = (OPERATOR, MERCHANT, AGENCY, PROMOTER, CONSUMER)


@dataclass(frozen=True)
class Roles:
    """The roles one person holds, in landing order (the first is where sign-in lands by default)."""

    held: tuple[str, ...]

    def __contains__(self, role: str) -> bool:
        return role in self.held

    @property
    def primary(self) -> str:
        return self.held[0] if self.held else CONSUMER

    @property
    def several(self) -> bool:
        return len(self.held) > 1


def user_roles(user: User | None) -> Roles:
    """Every role ``user`` holds; anonymous visitors hold none. Cached on the user object."""
    if user is None or not user.is_authenticated:
        return Roles(held=())
    cached = getattr(user, "_tuishou_roles", None)
    if cached is not None:
        return cached
    held = {CONSUMER}
    if operator_roles(user):
        held.add(OPERATOR)
    if user.merchant_memberships.exists():
        held.add(MERCHANT)
    if user.community_roles.exists():
        held.add(AGENCY)
    if _has_promoter(user):
        held.add(PROMOTER)
    roles = Roles(held=tuple(r for r in ROLE_ORDER if r in held))
    user._tuishou_roles = roles
    return roles


def _has_promoter(user: User) -> bool:
    try:
        return user.promoter is not None
    except User.promoter.RelatedObjectDoesNotExist:
        return False


def sandbox_sms_recent(*, phone: str | None = None, limit: int = 50):
    """The SMS sandbox's latest messages, newest first (of ``phone`` only, when given)."""
    from tuishou.accounts.models import SandboxSms

    rows = SandboxSms.objects.all()
    if phone:
        rows = rows.filter(phone=phone)
    return list(rows.order_by("-sent_at", "-id")[:limit])
