"""Agency tests: a well-behaved payment sandbox, and what runs after commit on demand."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _clean_sandbox():
    from tuishou.payments import sandbox

    sandbox.sandbox_behave()
    yield
    sandbox.sandbox_behave()


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run what was scheduled for after commit (payment tasks, sandbox deliveries), nested ones too."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
