"""The periodic jobs: a cron expression (in the platform's time zone) per django-tasks task."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    cron: str
    task_path: str

    def task(self):
        return import_string(self.task_path)


def periodic_jobs() -> list[PeriodicJob]:
    """Jobs from ``settings.TUISHOU_SCHEDULE``; each later issue appends its own there."""
    return [PeriodicJob(name, cron, path) for name, cron, path in settings.TUISHOU_SCHEDULE]
