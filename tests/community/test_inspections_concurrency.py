"""On PostgreSQL: an operator double-clicking accept (two requests at once) pays the reward once, and an inspector
double-submitting files one report; the books reconcile."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from tests.community import inspection_factories as f
from tests.wallets.factories import reconciled
from tuishou.community import inspections as svc
from tuishou.community.models_inspections import InspectionReport
from tuishou.core.errors import DomainError
from tuishou.ledger.models import JournalEntry


def _race(call, times: int) -> list[str]:
    outcomes: list[str] = []
    barrier = threading.Barrier(times)

    def run():
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(str(exc.code))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_pay_once_and_concurrent_filings_file_once():
    w = f.world()
    report = f.file(w, w["inspectors"][0])
    outcomes = _race(lambda: svc.inspection_report_decide(actor=w["ops"], report_id=report.pk, accept=True), 4)
    assert outcomes == ["community.inspection_already_decided"] * 3 + ["ok"]
    assert JournalEntry.objects.filter(kind="inspection_reward").count() == 1
    who = w["inspectors"][1]
    filed = _race(lambda: f.file(w, who), 4)
    assert filed == ["community.inspection_report_exists"] * 3 + ["ok"]
    assert InspectionReport.objects.filter(inspector=who).count() == 1
    reconciled()
