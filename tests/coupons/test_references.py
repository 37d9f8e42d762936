"""The coupon tables' references, checked per statement instead of by row-level foreign keys (migration 0002).

An order, a commission or a result row naming a missing row is refused (a whole set-based statement with it);
on PostgreSQL deleting a row an order, commission or result row still refers to is refused; ``tuishou reconcile``
(``coupon_references``) finds what a switched-off trigger let through.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from tests.coupons.conftest import report
from tuishou.coupons import services
from tuishou.coupons.models import CouponCommission, CouponItem, CouponOrder, CouponPick, ReportImport, ReportRow
from tuishou.ledger.reconcile import reconcile_run

pytestmark = pytest.mark.django_db
MISSING = 10**9


class Undo(Exception):
    pass


@pytest.fixture
def order(world, ops) -> CouponOrder:
    code = world["picks"][0].tracking_code
    services.order_report_import(actor=ops, source="upload", data=report(
        [{"order_id": "E1", "tracking_code": code, "status": "paid", "commission": "20.00"}]), method="rows")
    return CouponOrder.objects.get()


def counts() -> tuple[int, int, int]:
    return CouponOrder.objects.count(), CouponCommission.objects.count(), ReportRow.objects.count()


@pytest.mark.parametrize("column", ["pick_id", "promoter_id", "item_id", "plan_version_id", "report_id"])
def test_an_order_naming_a_missing_row_is_refused(order, column):
    before = counts()
    values = {f: getattr(order, f) for f in ("pick_id", "promoter_id", "item_id", "plan_version_id", "report_id",
                                             "amount", "external_commission", "paid_at", "platform")}

    with pytest.raises(IntegrityError), transaction.atomic():
        CouponOrder.objects.create(**{**values, "external_order_id": "E2", column: MISSING})

    assert counts() == before


@pytest.mark.parametrize("column", ["order_id", "promoter_id"])
def test_a_set_based_insert_of_commissions_with_one_missing_reference_writes_nothing(order, column):
    first = CouponCommission.objects.filter(order=order).order_by("pk").first()
    bad = f"CASE WHEN n = 3 THEN {MISSING} ELSE {column} END"
    columns = {"order_id": "order_id", "promoter_id": "promoter_id", column: bad}
    sql = (f"INSERT INTO coupons_couponcommission (order_id, promoter_id, rule, base, rate, amount, status, "
           f"created_at) SELECT {columns['order_id']}, {columns['promoter_id']}, 'r' || n, 1, 1, 1, 'pending', "
           f"CURRENT_TIMESTAMP FROM (SELECT %s AS order_id, %s AS promoter_id, n FROM (SELECT 1 AS n UNION ALL "
           f"SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) s) t")
    before = counts()

    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [first.order_id, first.promoter_id])

    assert counts() == before


def _commissions_insert(order_ids: list[int], promoter_id: int) -> None:
    """One statement inserting a commission for each of ``order_ids`` (as the set-based import does)."""
    ids = " UNION ALL ".join(["SELECT %s AS o"] * len(order_ids))
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO coupons_couponcommission (order_id, promoter_id, rule, base, rate, amount, status, "
                       f"created_at) SELECT o, %s, 'r', 1, 1, 1, 'pending', CURRENT_TIMESTAMP FROM ({ids}) t",
                       [promoter_id, *order_ids])


def test_commissions_of_a_run_of_orders_are_checked_by_range_and_a_missing_end_is_refused(world, ops):
    """Migration 0003: the distinct order ids of a statement that fill a range are proved by one range count;
    a run with a missing order, or orders with a gap, are probed one by one."""
    code = world["picks"][0].tracking_code
    services.order_report_import(actor=ops, source="upload", method="rows", data=report(
        [{"order_id": f"R{n}", "tracking_code": code, "status": "paid"} for n in range(3)]))
    ids = sorted(CouponOrder.objects.values_list("pk", flat=True))
    promoter = world["seller"].pk
    assert ids == list(range(ids[0], ids[0] + 3))
    before = counts()

    for good in (ids, [ids[0], ids[2]]):
        with pytest.raises(Undo), transaction.atomic():
            _commissions_insert(good, promoter)
            assert CouponCommission.objects.count() == before[1] + len(good)
            raise Undo
    for bad in ([*ids, ids[2] + 1], [ids[0] - 1, *ids], [ids[0], ids[2] + 1]):
        with pytest.raises(IntegrityError), transaction.atomic():
            _commissions_insert(bad, promoter)

    assert counts() == before


def test_a_result_row_of_a_missing_import_is_refused(order):
    before = counts()

    with pytest.raises(IntegrityError), transaction.atomic():
        ReportRow.objects.create(report_id=MISSING, line=2, outcome=ReportRow.Outcome.SKIPPED)

    assert counts() == before


def test_moving_an_order_to_a_missing_pick_is_refused(order):
    with pytest.raises(IntegrityError), transaction.atomic():
        CouponOrder.objects.filter(pk=order.pk).update(pick_id=MISSING)

    assert CouponOrder.objects.get().pick_id == order.pick_id


@pytest.mark.postgres_only
@pytest.mark.parametrize("table", ["coupons_couponpick", "coupons_couponitem", "coupons_reportimport",
                                   "coupons_couponorder"])
def test_plain_sql_cannot_delete_a_row_something_still_refers_to(order, table):
    target = {"coupons_couponpick": order.pick_id, "coupons_couponitem": order.item_id,
              "coupons_reportimport": order.report_id, "coupons_couponorder": order.pk}[table]
    before = (counts(), CouponPick.objects.count(), CouponItem.objects.count(), ReportImport.objects.count())

    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [target])

    assert (counts(), CouponPick.objects.count(), CouponItem.objects.count(),
            ReportImport.objects.count()) == before


@pytest.mark.postgres_only
def test_an_unreferenced_row_can_still_be_deleted(world):
    item = world["items"][-1]
    CouponPick.objects.filter(item=item).delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM coupons_couponitem WHERE id = %s", [item.pk])
    assert not CouponItem.objects.filter(pk=item.pk).exists()


@pytest.mark.postgres_only
def test_reconcile_finds_an_order_whose_pick_is_missing(order):
    with pytest.raises(Undo), transaction.atomic(), connection.cursor() as cursor:
        # Only a table owner switching the trigger off can write such a row; rolled back with the test's checks.
        cursor.execute("ALTER TABLE coupons_couponorder DISABLE TRIGGER coupons_couponorder_refs_update")
        cursor.execute("UPDATE coupons_couponorder SET pick_id = %s WHERE id = %s", [MISSING, order.pk])
        found = reconcile_run(["coupon_references"]).results[0].mismatches
        assert [str(m) for m in found] == [
            f"coupons_couponorder #{order.pk}: found pick_id {MISSING}, expected an existing row"]
        raise Undo

    assert reconcile_run(["coupon_references"]).ok
