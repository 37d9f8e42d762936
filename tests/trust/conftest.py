"""Trust tests' set-up: a well-behaved sandbox and the after-commit runner the order factories need."""

import pytest


@pytest.fixture(autouse=True)
def _sandbox_well_behaved():
    from tuishou.payments import sandbox

    sandbox.sandbox_behave()
    yield
    sandbox.sandbox_behave()
