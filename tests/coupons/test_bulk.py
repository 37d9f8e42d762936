"""The set-based import (PostgreSQL) gives exactly what the row-by-row import gives, on the same reports."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection, transaction
from django.db.models import Sum

from tests.coupons.conftest import report, sandbox_report
from tuishou.coupons import services
from tuishou.coupons.models import CouponCommission, CouponOrder, ReportRow
from tuishou.ledger.models import Account, JournalEntry, JournalLine

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based path is PostgreSQL's")]


class Undo(Exception):
    pass


REFUNDS = (JournalEntry.Kind.COMMISSION_CANCELLED, JournalEntry.Kind.COMMISSION_CLAWBACK)


def state() -> dict:
    """Everything an import writes, without ids. The ledger as both paths must agree on it: the row path posts an
    accrual and a settlement per order, the set path one of each per import (their receivable, margin and
    settlement lines summed); every commission line (with its snapshot), every refund entry, the net of each
    account per entry kind and every balance are the same."""
    lines = JournalLine.objects.values_list("entry__kind", "account__key")
    return {
        "rows": sorted(ReportRow.objects.values_list("line", "external_order_id", "reported_status", "outcome",
                                                     "reason", "detail")),
        "orders": sorted(CouponOrder.objects.values_list("external_order_id", "promoter_id", "item_id", "amount",
                                                         "external_commission", "plan_version_id", "status",
                                                         "settled_at", "refunded_at", "chain")),
        "commissions": sorted(CouponCommission.objects.values_list("order__external_order_id", "promoter_id", "rule",
                                                                   "base", "rate", "amount", "status")),
        "refund_entries": sorted(JournalEntry.objects.filter(kind__in=REFUNDS).values_list("kind", "memo")),
        "refund_lines": sorted(lines.filter(entry__kind__in=REFUNDS).values_list(
            "entry__memo", "account__key", "amount", "rule", "rate", "base", "plan_id", "plan_version")),
        "commission_lines": sorted(lines.filter(order_ref__isnull=False).values_list(
            "entry__kind", "account__key", "amount", "rule", "rate", "base", "plan_id", "plan_version")),
        "net": sorted((k, a, n) for k, a, n in lines.order_by().annotate(n=Sum("amount")).values_list(
            "entry__kind", "account__key", "n") if n),
        "balances": sorted(Account.objects.values_list("key", "balance")),
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


def test_both_paths_agree_on_a_raw_file_with_unusual_rows(world, ops):
    """The staging COPY reads the file line by line: blank lines, CRLF endings, cells with spaces, amounts with
    ¥ and thousands separators or leading zeros, a time with a zone, too many or too few cells, a bad date — each
    row's line number, outcome and skip reason are the row path's."""
    a, b = world["picks"][0].tracking_code, world["picks"][1].tracking_code
    lines = [
        "order_id,tracking_code,status,amount,commission,paid_at,updated_at",
        f"R1,{a},paid,100.00,020.5,2026-12-01 10:00:00,",
        "",
        f"R2, {b} ,PAID,¥1234.50,¥12.00,2026-12-01 10:00:00,",
        f"R3,{a},paid,100.00,7,2026-12-01T10:00:00+08:00,",
        f"R4,{a},paid,100.00,1.00,2026-02-30 10:00:00,",
        f"R5,{a},paid,100.00,1.00,2026-12-01 10:00:00,,extra",
        f"R6,{a},paid,100.00",
        "   ",
        ",,,,,,",
        f"R7,{a},settled,100.00,0.00,2026-12-01 10:00:00,2026-12-03 10:00:00",
        f"R8,{b},paid,9999999.00,1.00,2026-12-01 10:00:00,",
        f"R9,{b},paid,50,5.5,1991-06-01 10:00:00,",
        # The staging's bounds: the largest amount, one fen over, 7 digits with a leading zero, 8 digits, a
        # 65-character id, the 29th to 31st of short and leap months in either time.
        f"R10,{a},paid,1000000.00,1000000,2026-12-01 10:00:00,",
        f"R11,{b},paid,1000000.01,1.00,2026-12-01 10:00:00,",
        f"R12,{a},paid,0123456.5,0.5,2026-12-01 10:00:00,",
        f"R13,{b},paid,12345678,1.00,2026-12-01 10:00:00,",
        f"{'R' * 65},{a},paid,10.00,1.00,2026-12-01 10:00:00,",
        f"R14,{a},paid,12.34,1.2,2026-02-29 10:00:00,",
        f"R15,{b},paid,12.34,1.2,2028-02-29 10:00:00,2028-03-31 23:59:59",
        f"R16,{a},paid,12.34,1.2,2026-04-31 10:00:00,2026-04-30 10:00:00",
        f"R17,{b},paid,12.34,1.2,2026-04-30 10:00:00,2026-04-31 10:00:00",
        f"R18,{a},paid,12.34,1.2,2026-04-30 10:00:00,2026-04-30 10:00:00",
        f"R1,{a},refunded,100.00,20.50,2026-12-01 10:00:00,2026-12-04 08:00:00",
    ]
    crlf = ("\r\n".join(lines) + "\r\n").encode()
    lf = ("\ufeff" + "\n".join(lines)).encode()
    rows, sets, row_counts, set_counts = both(ops, [lf])
    assert rows == sets and [c[:-1] for c in row_counts] == [c[:-1] for c in set_counts]
    assert row_counts[0][1] > 0 and row_counts[0][3] > 0
    rows, sets, row_counts, set_counts = both(ops, [crlf])
    assert rows == sets and [c[:-1] for c in row_counts] == [c[:-1] for c in set_counts]


def test_both_paths_agree_when_a_later_report_settles_and_refunds_an_earlier_order(world, ops):
    a = world["picks"][0].tracking_code
    first = report([{"order_id": "L1", "tracking_code": a, "status": "paid"},
                    {"order_id": "L2", "tracking_code": a, "status": "paid"},
                    {"order_id": "L3", "tracking_code": a, "status": "paid"}])
    later = report([{"order_id": "L1", "tracking_code": a, "status": "refunded"},
                    {"order_id": "L1", "tracking_code": a, "status": "settled"},
                    {"order_id": "L2", "tracking_code": a, "status": "refunded"},
                    {"order_id": "L3", "tracking_code": a, "status": "settled"},
                    {"order_id": "L4", "tracking_code": a, "status": "settled"},
                    {"order_id": "L4", "tracking_code": a, "status": "refunded"}])
    rows, sets, row_counts, set_counts = both(ops, [first, later, later])
    assert rows == sets
    assert [c[:-1] for c in row_counts] == [c[:-1] for c in set_counts]
    assert row_counts[1][2] == 3  # L1 clawed back after its settlement, L2 cancelled, L4 booked, settled, clawed back


def test_both_paths_agree_on_a_report_that_books_nothing(world, ops):
    data = report([{"order_id": "N1", "tracking_code": "tsNOTOURS", "status": "paid"},
                   {"order_id": "N2", "tracking_code": world["picks"][0].tracking_code, "status": "refunded"}])
    rows, sets, row_counts, set_counts = both(ops, [data])
    assert rows == sets and rows["balances"] == []
    assert [c[:-1] for c in row_counts] == [c[:-1] for c in set_counts]
