"""`tuishou report_rollups fold|rebuild`: bring the reports' rollups up to date now.

``fold`` adds the journal lines posted since the last fold (what the scheduled job does); ``rebuild`` recomputes
everything from the orders and the journal (after a restore or a manual correction of the books).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tuishou.reports.rollups import rollups_fold, rollups_rebuild


class Command(BaseCommand):
    help = "Fold the journal into the reports' rollups (fold), or recompute them from the books (rebuild)."

    def add_arguments(self, parser):
        parser.add_argument("job", choices=["fold", "rebuild"])

    def handle(self, *args, **opts):
        result = (rollups_rebuild if opts["job"] == "rebuild" else rollups_fold)()
        self.stdout.write(f"journal lines {result.ledger_from}→{result.ledger_to}; days compacted: "
                          f"orders {result.order_days}, earnings {result.earning_days}")
