"""The set-based import (PostgreSQL) gives exactly what the row-by-row import gives, on the same reports."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection, transaction

from tests.coupons.conftest import report, sandbox_report
from tuishou.coupons import services
from tuishou.coupons.models import CouponCommission, CouponOrder, ReportRow
from tuishou.ledger.models import Account, JournalEntry, JournalLine

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based path is PostgreSQL's")]


class Undo(Exception):
    pass


def state() -> dict:
    """Everything an import writes, without ids."""
    return {
        "rows": sorted(ReportRow.objects.values_list("line", "external_order_id", "reported_status", "outcome",
                                                     "reason", "detail")),
        "orders": sorted(CouponOrder.objects.values_list("external_order_id", "promoter_id", "item_id", "amount",
                                                         "external_commission", "plan_version_id", "status",
                                                         "settled_at", "refunded_at", "chain")),
        "commissions": sorted(CouponCommission.objects.values_list("order__external_order_id", "promoter_id", "rule",
                                                                   "base", "rate", "amount", "status")),
        "entries": sorted(JournalEntry.objects.values_list("kind", "memo")),
        "lines": sorted(JournalLine.objects.values_list("entry__kind", "account__key", "amount", "rule", "rate",
                                                        "base", "plan_id", "plan_version")),
        "balances": sorted(Account.objects.values_list("key", "balance", "line_count")),
    }


def both(ops, reports: list[bytes]) -> tuple[dict, dict, list, list]:
    results = {}
    for method in ("rows", "set"):
        try:
            with transaction.atomic():
                counts = [services.order_report_import(actor=ops, source="upload", data=data, method=method)
                          for data in reports]
                results[method] = (state(), [(r.rows, r.imported, r.reversed, r.skipped, r.skipped_by_reason,
                                              r.commission_total, r.method) for r in counts])
                raise Undo
        except Undo:
            pass
    return results["rows"][0], results["set"][0], results["rows"][1], results["set"][1]


def test_both_paths_agree_on_the_sandbox_reports_and_their_reimport(world, ops):
    codes = [p.tracking_code for p in world["picks"]]
    first = sandbox_report(codes, date(2026, 9, 1), date(2026, 11, 10))
    second = sandbox_report(codes, date(2026, 11, 11), date(2026, 12, 3))
    rows, sets, row_counts, set_counts = both(ops, [first, second, first])
    assert rows == sets
    assert [c[:-1] for c in row_counts] == [c[:-1] for c in set_counts]
    assert [c[-1] for c in set_counts] == ["set"] * 3
    assert row_counts[2][1] == 0 and row_counts[0][1] > 0  # the re-import pays nothing


def test_both_paths_agree_on_every_skip_and_reversal(world, ops):
    a, b = world["picks"][0].tracking_code, world["picks"][1].tracking_code
    data = report([
        {"order_id": "E1", "tracking_code": a, "status": "refunded"},
        {"order_id": "E1", "tracking_code": a, "status": "paid"},
        {"order_id": "E1", "tracking_code": a, "status": "paid"},
        {"order_id": "E2", "tracking_code": a, "status": "settled", "updated_at": "2026-12-02 10:00:00"},
        {"order_id": "E2", "tracking_code": b, "status": "refunded"},
        {"order_id": "E3", "tracking_code": "tsNOTOURS", "status": "paid"},
        {"order_id": "E4", "tracking_code": b, "status": "refunded"},
        {"order_id": "E5", "tracking_code": b, "status": "paid", "amount": "x"},
        {"order_id": "E6", "tracking_code": b, "status": "paid", "commission": "0.00"},
        {"order_id": "E7", "tracking_code": b, "status": "paid", "commission": "0.07"},
    ])
    later = report([{"order_id": "E2", "tracking_code": a, "status": "refunded"},
                    {"order_id": "E7", "tracking_code": b, "status": "settled"},
                    {"order_id": "E1", "tracking_code": a, "status": "settled"}])
    rows, sets, row_counts, set_counts = both(ops, [data, later])
    assert rows == sets
    assert [c[:-1] for c in row_counts] == [c[:-1] for c in set_counts]
