"""`tuishou ranks evaluate [--community CODE] [--at TIME]`: run the rank evaluation now."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from tuishou.core.errors import NotFound
from tuishou.incentives.evaluation import ranks_evaluate, ranks_evaluate_all
from tuishou.incentives.selectors import community_by_code


class Command(BaseCommand):
    help = "Evaluate promoters' ranks and activity under each community's plan in force."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        evaluate = sub.add_parser("evaluate", help="evaluate ranks now (or as of --at)")
        evaluate.add_argument("--community", help="community code (default: every active community)")
        evaluate.add_argument("--at", help="evaluation time, ISO 8601 with offset (default: now)")

    def handle(self, *args, **opts):
        at = None
        if opts.get("at"):
            at = parse_datetime(opts["at"])
            if at is None or at.tzinfo is None:
                raise CommandError(f"--at {opts['at']!r}: give an ISO 8601 time with an offset", returncode=2)
        if opts.get("community"):
            try:
                community = community_by_code(code=opts["community"])
            except NotFound:
                raise CommandError(f"unknown community {opts['community']!r}", returncode=2) from None
            summaries = [ranks_evaluate(community=community, at=at)]
        else:
            summaries = ranks_evaluate_all(at=at)
        for s in summaries:
            if s.run_id is None:
                self.stdout.write(f"{s.community}: no plan in force, nothing evaluated")
            else:
                self.stdout.write(f"{s.community}: {s.promoters} promoters, {s.promoted} promoted, "
                                  f"{s.demoted} demoted (run {s.run_id})")
