"""Reads for the demo data set."""

from __future__ import annotations

from tuishou.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD


def demo_logins() -> list[tuple[str, str, str]]:
    """(role, login, password) for each demo account that exists in this database."""
    from tuishou.accounts.models import User

    existing = set(User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
                   .values_list("username", flat=True))
    return [(a.role, a.login, DEMO_PASSWORD) for a in DEMO_ACCOUNTS if a.username in existing]
