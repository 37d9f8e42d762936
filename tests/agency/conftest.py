"""Agency tests: a well-behaved payment sandbox, and what runs after commit on demand."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _clean_sandbox():
    from tuishou.payments import sandbox

    sandbox.sandbox_behave()
    yield
    sandbox.sandbox_behave()
