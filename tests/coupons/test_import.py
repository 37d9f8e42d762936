"""Order-report import: attribution, commissions under the plan on B = the platform's commission, idempotency,
refunds reversing what was booked, skips with reasons, nothing half-written."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.coupons.conftest import report
from tuishou.coupons import services
from tuishou.coupons.models import CouponCommission, CouponOrder, ReportRow
from tuishou.ledger.models import Account, JournalEntry

pytestmark = pytest.mark.django_db
K = Account.Kind


def balance(kind, promoter=None) -> Decimal:
    account = Account.objects.filter(key=Account.key_for(kind, promoter_id=promoter.pk if promoter else None)).first()
    return account.amount if account else Decimal("0.00")


def run(ops, data: bytes):
    return services.order_report_import(actor=ops, source="upload", data=data, file_name="report.csv")


def test_a_paid_row_credits_the_promoter_by_tracking_code_under_the_plan(world, ops):
    code = world["picks"][0].tracking_code
    result = run(ops, report([{"order_id": "E1", "tracking_code": code, "status": "paid", "commission": "20.00"}]))
    assert (result.rows, result.imported, result.skipped, result.reversed) == (1, 1, 0, 0)
    order = CouponOrder.objects.get()
    assert (order.promoter, order.item_id, order.external_commission) == (world["seller"], world["items"][0].pk,
                                                                           Decimal("20.00"))
    # direct 30 % of B (小李 is a member) and one tier of 10 % to 阿花.
    got = {(c.promoter.user.display_name, c.rule): c.amount for c in CouponCommission.objects.all()}
    assert got == {("小李", "direct"): Decimal("6.00"), ("阿花", "tiers"): Decimal("2.00")}
    assert result.commission_total == Decimal("8.00")
    assert balance(K.PROMOTER_PENDING, world["seller"]) == Decimal("6.00")
    assert balance(K.PROMOTER_PENDING, world["sponsor"]) == Decimal("2.00")
    assert balance(K.COUPON_RECEIVABLE) == Decimal("20.00")
    assert balance(K.COMMISSION_MARGIN) == Decimal("12.00")


def test_a_repeated_import_pays_nothing_twice(world, ops):
    code = world["picks"][0].tracking_code
    data = report([{"order_id": "E1", "tracking_code": code, "status": "paid"},
                   {"order_id": "E1", "tracking_code": code, "status": "settled", "updated_at": "2026-12-02 10:00"}])
    run(ops, data)
    entries = JournalEntry.objects.count()
    again = run(ops, data)
    assert (again.imported, again.skipped, again.skipped_by_reason) == (0, 2, {"duplicate": 2})
    assert JournalEntry.objects.count() == entries
    assert balance(K.PROMOTER_AVAILABLE, world["seller"]) == Decimal("6.00")
    assert balance(K.PROMOTER_PENDING, world["seller"]) == Decimal("0.00")


def test_a_refund_before_settlement_cancels_and_after_claws_back(world, ops):
    code = world["picks"][0].tracking_code
    run(ops, report([{"order_id": "E1", "tracking_code": code, "status": "paid"},
                     {"order_id": "E2", "tracking_code": code, "status": "settled", "updated_at": "2026-12-02"}]))
    later = run(ops, report([{"order_id": "E1", "tracking_code": code, "status": "refunded"},
                             {"order_id": "E2", "tracking_code": code, "status": "refunded"}]))
    assert (later.reversed, later.commission_total) == (2, Decimal("-16.00"))
    statuses = dict(CouponCommission.objects.filter(rule="direct").values_list("order__external_order_id", "status"))
    assert statuses == {"E1": "cancelled", "E2": "clawed_back"}
    for kind in (K.PROMOTER_PENDING, K.PROMOTER_AVAILABLE):
        assert balance(kind, world["seller"]) == Decimal("0.00")
    assert balance(K.COUPON_RECEIVABLE) == Decimal("0.00")
    assert balance(K.COMMISSION_MARGIN) == Decimal("0.00")
    assert set(CouponOrder.objects.values_list("status", flat=True)) == {"refunded"}


def test_unknown_codes_and_malformed_rows_are_reported_and_write_nothing(world, ops):
    code = world["picks"][0].tracking_code
    result = run(ops, report([
        {"order_id": "E1", "tracking_code": "tsNOTOURS", "status": "paid"},
        {"order_id": "E2", "tracking_code": code, "status": "shipped"},
        {"order_id": "E3", "tracking_code": code, "status": "paid", "amount": "12.3.4"},
        {"order_id": "", "tracking_code": code, "status": "paid"},
        {"order_id": "E5", "tracking_code": code, "status": "paid", "paid_at": "yesterday"},
        {"order_id": "E6", "tracking_code": code, "status": "refunded"},
    ]))
    assert result.skipped_by_reason == {"malformed": 4, "unknown_code": 1, "unknown_order": 1}
    assert (result.imported, result.skipped) == (0, 6)
    assert not CouponOrder.objects.exists() and not JournalEntry.objects.exists()
    details = dict(ReportRow.objects.filter(reason="malformed").values_list("line", "detail"))
    assert details[3].startswith("status:") and details[4].startswith("amount:")


def test_a_row_that_fails_midway_leaves_nothing_of_itself(world, ops, monkeypatch):
    from tuishou.coupons import booking

    code = world["picks"][0].tracking_code

    def broken(**kwargs):
        raise RuntimeError("ledger down")

    monkeypatch.setattr(booking, "_post", broken)
    with pytest.raises(RuntimeError):
        run(ops, report([{"order_id": "E1", "tracking_code": code, "status": "paid"}]))
    assert not CouponOrder.objects.exists() and not CouponCommission.objects.exists()
    assert not JournalEntry.objects.exists()


def test_shuffled_rows_give_the_same_result(world, ops):
    code = world["picks"][1].tracking_code
    result = run(ops, report([{"order_id": "E9", "tracking_code": code, "status": "refunded"},
                              {"order_id": "E9", "tracking_code": code, "status": "paid"}]))
    assert (result.imported, result.reversed) == (1, 1)
    assert CouponOrder.objects.get().status == "refunded"
