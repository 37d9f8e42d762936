"""Reads for the demo data set."""

from __future__ import annotations

from tuishou.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD


def demo_logins() -> list[tuple[str, str, str]]:
    """(role, login, password) for each demo account that exists in this database."""
    from tuishou.accounts.models import User

    existing = set(User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
                   .values_list("username", flat=True))
    return [(a.role, a.login, DEMO_PASSWORD) for a in DEMO_ACCOUNTS if a.username in existing]


def demo_logins_banner(url: str) -> list[str]:
    """What ``tuishou serve`` prints of the demo accounts (nothing when the demo is not loaded)."""
    logins = demo_logins()
    if not logins:
        return []
    return ["", "Demo logins (sign in with the phone number):",
            *(f"  {role:<22} {login:<16} {password}" for role, login, password in logins)]
