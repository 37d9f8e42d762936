"""`tuishou settle [--as-of TIME] [--chunk-size N]`: settle everything due (commissions and merchant shares)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_aware, make_aware

from tuishou.settlement.settle import CHUNK_SIZE, settlement_run


def _as_of(text: str):
    moment = parse_datetime(text)
    if moment is None:
        raise CommandError(f"--as-of: {text!r} is not a time like 2026-11-20T00:00:00+08:00", returncode=2)
    return moment if is_aware(moment) else make_aware(moment)


class Command(BaseCommand):
    help = ("Settle what is due: pending commissions past their freeze become available, merchants' shares become "
            "payable. Idempotent and in chunks: a run killed half-way and run again books everything once.")

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=_as_of, default=None, metavar="TIME",
                            help="settle what is due at this time (ISO 8601; default now, platform time zone)")
        parser.add_argument("--chunk-size", type=int, default=CHUNK_SIZE, metavar="N",
                            help=f"rows per transaction (default {CHUNK_SIZE})")

    def handle(self, *args, **opts):
        if opts["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1", returncode=2)
        summary = settlement_run(as_of=opts["as_of"], chunk_size=opts["chunk_size"])
        self.stdout.write(f"Settled as of {summary.as_of.isoformat()}: {summary.commissions} commission(s), "
                          f"{summary.receivables} merchant share(s); {summary.stamped} row(s) given a due time.")
