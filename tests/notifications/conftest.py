"""Message-centre tests reuse the settlement and wallets set-up (well-behaved sandboxes, a fresh plan cache)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _clean_state():
    from tuishou.incentives.selectors import _frozen_engine_plan
    from tuishou.payments import sandbox
    from tuishou.wallets import sandbox as payout_sandbox

    sandbox.sandbox_behave()
    sandbox.transport_override = None
    payout_sandbox.sandbox_payout_behave()
    payout_sandbox.transport_override = None
    _frozen_engine_plan.cache_clear()
    yield
    sandbox.sandbox_behave()
    sandbox.transport_override = None
    payout_sandbox.sandbox_payout_behave()
    payout_sandbox.transport_override = None
    _frozen_engine_plan.cache_clear()


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run what was scheduled for after commit (tasks, sandbox deliveries), nested ones too."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
