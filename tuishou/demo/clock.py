"""The demo's moved clock: the loader replays two months of platform life, so the services must read the time
of each replayed moment, not the wall clock.

Services read ``django.utils.timezone.now()`` (and ``auto_now_add`` fields call it too); inside ``moved_clock``
it answers the demo clock, which the timeline sets before each event and which ticks a millisecond per read so
that rows written one after another keep their order. A field declared ``default=timezone.now`` (``User.date_joined``,
the community's materials, citations, ratings, reports…) holds a reference to the real ``timezone.now`` captured
when Django loaded the model, so every such field's default is pointed at the clock too.
The wall clock (``time.time``) is left alone: the sandboxes sign callbacks with it and verify them with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta
from unittest import mock

from django.utils import timezone

TICK = timedelta(milliseconds=1)
WALL_NOW = timezone.now  # what a model field's ``default=timezone.now`` holds


class DemoClock:
    """A clock the loader sets; every read moves it on by ``TICK`` (time never stands still, nor goes back)."""

    def __init__(self, start: datetime) -> None:
        self._at = start

    def __call__(self) -> datetime:
        self._at += TICK
        return self._at

    @property
    def at(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        """Move to ``at``; a time before the clock's own is ignored (two events of one instant stay in order)."""
        if at > self._at:
            self._at = at


def _fields_defaulting_to_now() -> list:
    """Every model field whose default is the real ``timezone.now``."""
    from django.apps import apps

    return [field for model in apps.get_models() for field in model._meta.local_fields
            if field.default is WALL_NOW]


@contextmanager
def moved_clock(clock: DemoClock) -> Iterator[DemoClock]:
    """Make ``timezone.now()``, and every field's ``default=timezone.now``, answer ``clock`` while the block runs."""
    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(timezone, "now", clock))
        for field in _fields_defaulting_to_now():
            stack.enter_context(mock.patch.object(field, "_get_default", clock))
        yield clock
