"""Importing a platform's order report (订单报表导入), row by row.

The rules, which the set-based path (``bulk``) keeps exactly:

* A row is validated first (``parsing``); a malformed one is skipped (``malformed``, with the column).
* Rows are applied in the order paid → settled → refunded, then by line, so a file whose rows are shuffled
  gives the same result as a sorted one.
* The row key is (external order id, status): a key seen before — in this file or an earlier import — is
  skipped as ``duplicate`` and pays nothing.
* A tracking code that is none of ours is skipped (``unknown_code``); so is a settled or refunded row whose
  tracking code differs from its order's (``code_mismatch``).
* paid: the order is created and its commissions booked (base B = the row's commission). settled: the order's
  commissions become available (an order first seen settled is booked and settled at once). refunded: what was
  booked is taken back (``reversed``); a refund of an order never imported is skipped (``unknown_order``), as is a
  settlement of a refunded order (``already_refunded``).

Transactions: one per row. A row is written whole (order, commissions, journal entry) or not at all; a failure
in one row never undoes the rows before it, and a re-import after a crash skips what was written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tuishou.coupons.booking import coupon_order_accrue, coupon_order_refund, coupon_order_settle
from tuishou.coupons.connectors import RawRow
from tuishou.coupons.models import CouponOrder, CouponPick, ReportImport, ReportRow
from tuishou.coupons.parsing import ReportLine, RowSkip, report_line_parse
from tuishou.settlement.split import ZERO

S = CouponOrder.Status
STATUS_ORDER = {"paid": 0, "settled": 1, "refunded": 2}
IMPORTED, REVERSED, SKIPPED = ReportRow.Outcome.IMPORTED, ReportRow.Outcome.REVERSED, ReportRow.Outcome.SKIPPED


def lines_parse(rows: Iterable[RawRow]) -> tuple[list[ReportLine], list[ReportRow]]:
    """The valid lines of a report, in the order they are applied, and a skipped row for each malformed one."""
    lines, skips = [], []
    for number, cells in rows:
        try:
            lines.append(report_line_parse(number, cells))
        except RowSkip as skip:
            skips.append(ReportRow(line=number, external_order_id=cells.get("order_id", "")[:64],
                                   reported_status=cells.get("status", "")[:16],
                                   tracking_code=cells.get("tracking_code", "")[:64],
                                   outcome=SKIPPED, reason=skip.reason, detail=skip.detail[:200]))
    lines.sort(key=lambda line: (STATUS_ORDER[line.status], line.line))
    return lines, skips


def report_rows_import(*, report: ReportImport, rows: Iterable[RawRow]) -> ReportImport:
    """Apply every row of a report to ``report`` (already saved), one transaction per row; fills its counts."""
    lines, results = lines_parse(rows)
    seen: set[tuple[str, str]] = set()
    picks: dict[str, CouponPick | None] = {}
    booked = ZERO
    for line in lines:
        outcome, reason, detail, amount = _line_apply(report=report, line=line, seen=seen, picks=picks)
        booked += amount
        results.append(ReportRow(line=line.line, external_order_id=line.order_id, reported_status=line.status,
                                 tracking_code=line.tracking_code, outcome=outcome, reason=reason, detail=detail))
    return report_finish(report=report, results=results, booked=booked)


def report_finish(*, report: ReportImport, results: list[ReportRow], booked: Decimal) -> ReportImport:
    """Write the per-row results and the counts of an import."""
    for row in results:
        row.report = report
    ReportRow.objects.bulk_create(sorted(results, key=lambda r: r.line), batch_size=2000)
    outcomes = Counter(r.outcome for r in results)
    report.rows = len(results)
    report.imported = outcomes[IMPORTED]
    report.reversed = outcomes[REVERSED]
    report.skipped = outcomes[SKIPPED]
    report.skipped_by_reason = dict(sorted(Counter(r.reason for r in results if r.outcome == SKIPPED).items()))
    report.commission_total = booked
    report.finished_at = timezone.now()
    report.save()
    return report


def _pick(picks: dict, code: str) -> CouponPick | None:
    if code not in picks:
        picks[code] = CouponPick.objects.select_related("promoter", "item").filter(tracking_code=code).first()
    return picks[code]


def _line_apply(*, report: ReportImport, line: ReportLine, seen: set, picks: dict) -> tuple[str, str, str, Decimal]:
    """(outcome, reason, detail, commissions booked − reversed) of one row, written in its own transaction."""
    if line.key in seen:
        return SKIPPED, "duplicate", "the same order and status earlier in this file", ZERO
    seen.add(line.key)
    pick = _pick(picks, line.tracking_code)
    if pick is None:
        return SKIPPED, "unknown_code", f"tracking code {line.tracking_code[:30]} is not one of ours", ZERO
    with transaction.atomic():
        order = (CouponOrder.objects.select_for_update()
                 .filter(platform=pick.item.platform, external_order_id=line.order_id).first())
        if order is not None and order.pick_id != pick.pk:
            return SKIPPED, "code_mismatch", "the order was imported under another tracking code", ZERO
        if line.status == "paid":
            if order is not None:
                return SKIPPED, "duplicate", "already imported", ZERO
            order = coupon_order_accrue(line=line, pick=pick, report_id=report.pk, platform=pick.item.platform)
            return IMPORTED, "", "", _commissions(order)
        if line.status == "settled":
            if order is not None and order.status == S.SETTLED:
                return SKIPPED, "duplicate", "already settled", ZERO
            if order is not None and order.status == S.REFUNDED:
                return SKIPPED, "already_refunded", "the order was refunded before this settlement", ZERO
            amount = ZERO
            if order is None:
                order = coupon_order_accrue(line=line, pick=pick, report_id=report.pk, platform=pick.item.platform)
                amount = _commissions(order)
            coupon_order_settle(order=order, at=line.at)
            return IMPORTED, "", "", amount
        if order is None:
            return SKIPPED, "unknown_order", "a refund of an order never imported", ZERO
        if order.status == S.REFUNDED:
            return SKIPPED, "duplicate", "already refunded", ZERO
        return REVERSED, "", "", -coupon_order_refund(order=order, at=line.at)


def _commissions(order: CouponOrder) -> Decimal:
    return sum(order.commissions.values_list("amount", flat=True), ZERO)
