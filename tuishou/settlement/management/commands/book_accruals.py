"""`tuishou book_accruals [--batch N] [--loop SECONDS]`: book the paid orders waiting for the batched accrual."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from tuishou.settlement.accrual_batch import BATCH, accruals_book_all


class Command(BaseCommand):
    help = ("Book the commissions of paid orders queued for the batched accrual (TUISHOU_ACCRUAL_BATCHED), "
            "N orders per transaction, exactly once whoever else is booking. With --loop, keep polling.")

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=BATCH, metavar="N",
                            help=f"orders per transaction (default {BATCH})")
        parser.add_argument("--loop", type=float, default=0, metavar="SECONDS",
                            help="poll every SECONDS for new paid orders until interrupted (default: book once)")

    def handle(self, *args, **opts):
        if opts["batch"] < 1 or opts["loop"] < 0:
            raise CommandError("--batch must be at least 1 and --loop not negative", returncode=2)
        total = accruals_book_all(limit=opts["batch"])
        while opts["loop"]:
            time.sleep(opts["loop"])
            total += accruals_book_all(limit=opts["batch"])
        self.stdout.write(f"Booked {total} paid order(s).")
