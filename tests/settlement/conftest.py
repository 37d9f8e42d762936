"""Settlement test set-up: reconcile on demand and the risk rule switched off for settlement's own paths.

(Well-behaved sandboxes, a fresh plan cache, and `tuishou reconcile` after every test that moves money:
tests/conftest.py.)
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def reconcile() -> tuple[int, str]:
    """Run `tuishou reconcile`; return (exit code, output)."""
    out = StringIO()
    try:
        call_command("reconcile", stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


@pytest.fixture
def self_purchase_rule_off(db):
    """The spec's examples buy through the promoter's own account, many times what they sell to others: exactly what
    the risk rule ``self_purchase_ratio`` flags, holding the commissions. Tests of settlement's own paths switch
    that rule off (the hold itself is tested in tests/risk)."""
    from tuishou.risk.models import RiskRule

    RiskRule.objects.update_or_create(code="self_purchase_ratio", defaults={"enabled": False})
