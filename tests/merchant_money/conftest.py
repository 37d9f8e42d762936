"""Merchant payouts test set-up: the sandboxes back to good behaviour, and running what waits for commit."""

from __future__ import annotations

import pytest

from tuishou.payments import sandbox as payment_sandbox
from tuishou.wallets import sandbox


@pytest.fixture(autouse=True)
def _sandboxes_well_behaved():
    sandbox.sandbox_payout_behave()
    payment_sandbox.sandbox_behave()
    yield
    sandbox.sandbox_payout_behave()
    payment_sandbox.sandbox_behave()
