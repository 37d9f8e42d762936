"""The demo's timeline: events at moments of the last months, run in time order under the moved clock.

An event is a callable scheduled at a time; running it may schedule later events (an order, once paid, is
shipped a day later). Events of one instant run in the order they were scheduled.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from datetime import datetime

from tuishou.demo.clock import DemoClock

Event = Callable[[], None]


class Timeline:
    def __init__(self, clock: DemoClock, *, end: datetime) -> None:
        self.clock = clock
        self.end = end
        self._queue: list[tuple[datetime, int, Event]] = []
        self._seq = itertools.count()

    def at(self, when: datetime, event: Event) -> None:
        """Schedule ``event`` at ``when``; a moment at or after the end of the timeline is dropped (it has not
        happened yet when the demo is loaded)."""
        if when < self.end:
            heapq.heappush(self._queue, (when, next(self._seq), event))

    def run(self) -> None:
        """Run every event in time order, the clock set to each event's moment."""
        while self._queue:
            when, _, event = heapq.heappop(self._queue)
            self.clock.set(when)
            event()
