"""Periodic job of the reports (see ``TUISHOU_SCHEDULE``): folding the journal into the rollups. Idempotent, so
overlapping or missed runs are harmless — the pages read what is not folded yet from the journal itself."""

from django_tasks import task

from tuishou.reports.rollups import rollups_fold


@task()
def fold_report_rollups() -> dict:
    """Fold the journal lines posted since the last run into the reports' rollups and compact them."""
    result = rollups_fold()
    return {"ledger_from": result.ledger_from, "ledger_to": result.ledger_to, "order_days": result.order_days,
            "earning_days": result.earning_days}
