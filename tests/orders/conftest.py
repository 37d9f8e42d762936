"""Orders test set-up: a recorder of order events (well-behaved sandboxes and a fresh plan cache: tests/conftest.py)."""

from __future__ import annotations

import pytest

from tuishou.orders import events


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
