"""Wallets test set-up: the payout sandbox back to good behaviour, and running what waits for commit."""

from __future__ import annotations

import pytest

from tuishou.wallets import sandbox


@pytest.fixture(autouse=True)
def _sandbox_well_behaved():
    sandbox.sandbox_payout_behave()
    yield
    sandbox.sandbox_payout_behave()
