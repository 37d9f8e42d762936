"""Campaign test set-up: a well-behaved sandbox, a fresh plan cache, after-commit callbacks."""

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
