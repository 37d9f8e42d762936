"""`tuishou risk-sweep [--days N]`: run every risk rule again over the last N days (the nightly sweep)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tuishou.risk.flags import risk_sweep


class Command(BaseCommand):
    help = ("Run every risk rule (刷单, self-dealing) again over what happened in the last days: paid orders, refunds "
            "and sign-ups. Idempotent: an open flag grows with new orders, never doubles.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=1, metavar="N", help="look back N days (default 1)")

    def handle(self, *args, **opts):
        if not 1 <= opts["days"] <= 366:
            raise CommandError("--days must be from 1 to 366", returncode=2)
        touched = risk_sweep(days=opts["days"])
        self.stdout.write(f"Risk sweep over {opts['days']} day(s): {touched} flag(s) opened or grown.")
