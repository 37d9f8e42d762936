"""Risk test set-up: a well-behaved sandbox, a fresh plan cache, and after-commit callbacks run on demand.

(`tuishou reconcile` runs after every test that moves money: tests/conftest.py.)"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _clean_state():
    from tuishou.incentives.selectors import _frozen_engine_plan
    from tuishou.payments import sandbox

    sandbox.sandbox_behave()
    _frozen_engine_plan.cache_clear()
    yield
    sandbox.sandbox_behave()
    _frozen_engine_plan.cache_clear()
