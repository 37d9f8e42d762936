"""What each operator staff role may see and change in the back office.

Services check roles themselves (``permissions.require_operator``); these Django permissions only decide
which back-office pages a role's staff can open. Every role may view the platform's records; a role
changes only its own domain's. Admin actions still go through the services, which check the role again.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

PLATFORM_APPS = ("accounts", "risk", "network", "merchants", "catalog", "incentives", "stores", "orders",
                 "payments", "ledger", "settlement", "wallets")

# role -> apps whose records it may change (besides viewing everything)
CHANGES = {
    "admin": PLATFORM_APPS,
    "ops": ("network", "merchants", "catalog", "incentives", "stores"),
    "finance": ("ledger", "payments", "settlement", "wallets"),
    "customer_service": ("orders",),
    "risk": ("risk",),
}


def role_group(role: str) -> Group:
    """The Django group of an operator role, with its permissions brought up to date."""
    group, _ = Group.objects.get_or_create(name=f"operator:{role}")
    wanted = Permission.objects.filter(content_type__app_label__in=PLATFORM_APPS, codename__startswith="view_")
    changes = CHANGES.get(role, ())
    if changes:
        wanted = wanted | Permission.objects.filter(content_type__app_label__in=changes)
    group.permissions.set(wanted.distinct())
    return group
