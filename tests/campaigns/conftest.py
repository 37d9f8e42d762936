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


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run what was scheduled for after commit (payment tasks, sandbox deliveries), nested ones too."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
