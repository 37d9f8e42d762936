"""Operator actions on promoters: the payment and payout sandboxes well behaved, and what waits for commit run."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _sandboxes_well_behaved():
    from tuishou.payments import sandbox
    from tuishou.wallets import sandbox as payout_sandbox

    sandbox.sandbox_behave()
    payout_sandbox.sandbox_payout_behave()
    yield
    sandbox.sandbox_behave()
    payout_sandbox.sandbox_payout_behave()


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run what was scheduled for after commit (payment tasks, sandbox deliveries), nested ones too."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
