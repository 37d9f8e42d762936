"""`tuishou reconcile [--check NAME …]`: prove the ledger adds up; exit 1 with a report of each mismatch."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tuishou.ledger.reconcile import CHECKS, reconcile_run


class Command(BaseCommand):
    help = "Reconcile the ledger: cached balances against their lines, entries against zero, and every other check."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="append", dest="checks", metavar="NAME",
                            help=f"run only this check (repeatable); one of: {', '.join(CHECKS)}")

    def handle(self, *args, **opts):
        try:
            report = reconcile_run(opts.get("checks"))
        except KeyError as exc:
            raise CommandError(exc.args[0], returncode=2) from None
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(f"reconciliation found {report.mismatch_count} mismatch(es)", returncode=1)
