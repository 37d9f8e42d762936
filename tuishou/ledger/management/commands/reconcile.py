"""`tuishou reconcile [--check NAME …] [--day YYYY-MM-DD … | --since YYYY-MM-DD]`: prove the ledger adds up and
agrees with the providers' statements of those days (the last three by default); exit 1 with a report of each
mismatch, 2 for a wrong argument."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from tuishou.ledger.reconcile import CHECKS, DEFAULT_DAYS, Period, reconcile_run

MAX_DAYS = 366


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a day: write it as YYYY-MM-DD", returncode=2) from None


class Command(BaseCommand):
    help = "Reconcile the ledger: cached balances against their lines, entries against zero, and every other check."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="append", dest="checks", metavar="NAME",
                            help=f"run only this check (repeatable); one of: {', '.join(CHECKS)}")
        parser.add_argument("--day", action="append", dest="days", metavar="YYYY-MM-DD",
                            help="compare the providers' statements of this day (repeatable)")
        parser.add_argument("--since", metavar="YYYY-MM-DD",
                            help=f"compare every day from this one to today (default: the last {DEFAULT_DAYS} days)")

    def handle(self, *args, **opts):
        if opts.get("days") and opts.get("since"):
            raise CommandError("give --day or --since, not both", returncode=2)
        if opts.get("days"):
            period = Period(days=tuple(sorted({_day(text) for text in opts["days"]})), now=Period.recent().now)
        elif opts.get("since"):
            first = _day(opts["since"])
            period = Period.since(first)
            if first > Period.recent(1).days[-1]:
                raise CommandError(f"--since {first} is after today", returncode=2)
            if len(period.days) > MAX_DAYS:
                raise CommandError(f"--since covers {len(period.days)} days; at most {MAX_DAYS} at once",
                                   returncode=2)
        else:
            period = Period.recent()
        if any(check.dated for name, check in CHECKS.items() if not opts.get("checks") or name in opts["checks"]):
            self.stdout.write(f"Providers' statements of {period.days[0]} to {period.days[-1]} "
                              f"({len(period.days)} day(s)).")
        try:
            report = reconcile_run(opts.get("checks"), period=period)
        except KeyError as exc:
            raise CommandError(exc.args[0], returncode=2) from None
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(f"reconciliation found {report.mismatch_count} mismatch(es)", returncode=1)
