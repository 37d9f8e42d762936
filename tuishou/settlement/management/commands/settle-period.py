"""`tuishou settle-period YYYY-MM`: book a month's period rules (team volume, pools) once per community."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tuishou.core.errors import DomainError
from tuishou.settlement.periods import period_settle


class Command(BaseCommand):
    help = ("Book the period rules of a calendar month (platform time zone) for every community whose plan has "
            "them. Idempotent per (community, month): running it twice books once.")

    def add_arguments(self, parser):
        parser.add_argument("period", metavar="YYYY-MM")

    def handle(self, *args, **opts):
        try:
            booked = period_settle(period=opts["period"])
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from None
        for settlement in booked:
            self.stdout.write(f"{settlement.community.code} {settlement.period}: {settlement.payout_total} to "
                              f"{settlement.recipients} promoter(s) on a base of {settlement.base_total}")
        self.stdout.write(f"{len(booked)} community period(s) booked.")
