"""Message-centre tests start with well-behaved sandboxes (the plan cache is cleared by the root conftest)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _clean_state():
    from tuishou.payments import sandbox
    from tuishou.wallets import sandbox as payout_sandbox

    sandbox.sandbox_behave()
    payout_sandbox.sandbox_payout_behave()
    yield
    sandbox.sandbox_behave()
    payout_sandbox.sandbox_payout_behave()
