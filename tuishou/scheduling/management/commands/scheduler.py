"""`tuishou scheduler`: enqueue each periodic job when its cron fires (APScheduler's cron triggers).

The scheduler only enqueues; the worker (`tuishou worker`) runs the tasks, so a slow job never delays
the clock. Run one scheduler per deployment.
"""

from __future__ import annotations

import contextlib
import datetime
import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.core.management.base import BaseCommand

from tuishou.scheduling.registry import periodic_jobs

log = logging.getLogger(__name__)


def _enqueue(job) -> None:
    result = job.task().enqueue()
    log.info("enqueued %s as %s", job.name, result.id)


class Command(BaseCommand):
    help = "Run the cron-style scheduler that enqueues periodic background tasks."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="print the jobs and their next run, then exit")

    def handle(self, *args, **options):
        scheduler = BlockingScheduler(timezone=settings.TIME_ZONE)
        for job in periodic_jobs():
            job.task()  # fail at start-up, not at 3 a.m., when a path is wrong
            scheduler.add_job(_enqueue, CronTrigger.from_crontab(job.cron, timezone=settings.TIME_ZONE),
                              args=[job], id=job.name, name=job.name, coalesce=True, misfire_grace_time=300)
        if options["list"]:
            for job in periodic_jobs():
                trigger = CronTrigger.from_crontab(job.cron, timezone=settings.TIME_ZONE)
                nxt = trigger.get_next_fire_time(None, datetime.datetime.now(trigger.timezone))
                self.stdout.write(f"{job.name:32} {job.cron:16} next {nxt:%Y-%m-%d %H:%M %Z}  {job.task_path}")
            return
        self.stdout.write(f"scheduler: {len(periodic_jobs())} periodic jobs")
        with contextlib.suppress(KeyboardInterrupt, SystemExit):
            scheduler.start()
