"""Orders test set-up: a well-behaved sandbox, a fresh plan cache, and a recorder of order events."""

from __future__ import annotations

import pytest

from tuishou.orders import events


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
def emitted():
    """Every order event emitted while the test runs, in order (in-transaction handlers)."""
    seen: list = []
    types = (events.OrderPaid, events.OrderRefunded, events.OrderCompleted)
    for event_type in types:
        events.subscribe(event_type, seen.append)
    yield seen
    for event_type in types:
        events.unsubscribe(event_type, seen.append)
