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
