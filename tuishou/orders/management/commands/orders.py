"""`tuishou orders expire|auto-confirm|complete|escalate [--at TIME]`: run an order job now."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from tuishou.orders.aftersales import aftersales_escalate_overdue
from tuishou.orders.fulfilment import orders_auto_confirm, orders_complete
from tuishou.orders.paying import checkouts_expire

JOBS = {
    "expire": (checkouts_expire, "checkouts expired"),
    "auto-confirm": (orders_auto_confirm, "orders confirmed automatically"),
    "complete": (orders_complete, "orders completed"),
    "escalate": (aftersales_escalate_overdue, "after-sales cases escalated"),
}


class Command(BaseCommand):
    help = "Run an order job now: expire unpaid checkouts, auto-confirm, complete, escalate after-sales."

    def add_arguments(self, parser):
        parser.add_argument("job", choices=sorted(JOBS))
        parser.add_argument("--at", help="run as of this time, ISO 8601 with offset (default: now)")

    def handle(self, *args, **opts):
        at = None
        if opts.get("at"):
            at = parse_datetime(opts["at"])
            if at is None or at.tzinfo is None:
                raise CommandError(f"--at {opts['at']!r}: give an ISO 8601 time with an offset", returncode=2)
        job, label = JOBS[opts["job"]]
        self.stdout.write(f"{job(now=at)} {label}")
