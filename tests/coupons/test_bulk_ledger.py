"""The set-based import's ledger (PostgreSQL): one accrual and one settlement entry per import, a commission line
per commission that names its order, a refund per order that reverses exactly what was booked for it, nothing
written twice and nothing written by a failed import."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from tests.coupons.conftest import report
from tuishou.coupons import bulk, bulk_ledger, services
from tuishou.coupons.models import CouponCommission, CouponOrder, ReportRow
from tuishou.ledger.models import Account, JournalEntry, JournalLine
from tuishou.wallets.selectors import wallet_history

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based path is PostgreSQL's")]
K = Account.Kind
E = JournalEntry.Kind
D = Decimal


def run(ops, data: bytes):
    return services.order_report_import(actor=ops, source="upload", data=data, file_name="r.csv", method="set")


def balances() -> dict[str, Decimal]:
    return dict(Account.objects.values_list("key", "balance"))


def account(kind, promoter=None) -> str:
    return Account.key_for(kind, promoter_id=promoter.pk if promoter else None)


def lines_of(entry: JournalEntry) -> list[tuple]:
    return sorted(entry.lines.values_list("account__key", "amount", "order_ref", "rule"),
                  key=lambda x: (x[0], x[2] or "", x[1]))


def written() -> tuple[int, ...]:
    return (CouponOrder.objects.count(), CouponCommission.objects.count(), JournalEntry.objects.count(),
            JournalLine.objects.count())


def test_an_import_posts_one_accrual_and_one_settlement_with_a_line_per_commission(world, ops):
    seller, sponsor, code = world["seller"], world["sponsor"], world["picks"][0].tracking_code
    result = run(ops, report([
        {"order_id": "E1", "tracking_code": code, "status": "paid", "commission": "20.00"},
        {"order_id": "E2", "tracking_code": code, "status": "paid", "commission": "10.00"},
        {"order_id": "E3", "tracking_code": code, "status": "paid", "commission": "20.00"},
        {"order_id": "E3", "tracking_code": code, "status": "settled", "updated_at": "2026-12-02 10:00:00"},
    ]))
    assert (result.method, result.imported, result.commission_total) == ("set", 4, D("20.00"))
    ref = {o.external_order_id: o.ref for o in CouponOrder.objects.all()}
    accrual = JournalEntry.objects.get(kind=E.COMMISSION_ACCRUED)
    assert (accrual.key, accrual.memo) == (f"coupon:report:{result.pk}:paid", f"券订单报表 #{result.pk} 佣金 3 单")
    pending_s, pending_p = account(K.PROMOTER_PENDING, seller), account(K.PROMOTER_PENDING, sponsor)
    assert lines_of(accrual) == sorted([
        (account(K.COMMISSION_MARGIN), D("-30.00"), None, None),
        (account(K.COUPON_RECEIVABLE), D("50.00"), None, None),
        (pending_s, D("-6.00"), ref["E1"], "direct"), (pending_s, D("-3.00"), ref["E2"], "direct"),
        (pending_s, D("-6.00"), ref["E3"], "direct"),
        (pending_p, D("-2.00"), ref["E1"], "tiers"), (pending_p, D("-1.00"), ref["E2"], "tiers"),
        (pending_p, D("-2.00"), ref["E3"], "tiers"),
    ], key=lambda x: (x[0], x[2] or "", x[1]))
    settlement = JournalEntry.objects.get(kind=E.COMMISSION_SETTLED)
    assert (settlement.key, settlement.memo) == (f"coupon:report:{result.pk}:settled",
                                                 f"券订单报表 #{result.pk} 平台结算 1 单")
    assert lines_of(settlement) == sorted([
        (account(K.PROMOTER_AVAILABLE, seller), D("-6.00"), None, None), (pending_s, D("6.00"), None, None),
        (account(K.PROMOTER_AVAILABLE, sponsor), D("-2.00"), None, None), (pending_p, D("2.00"), None, None),
    ], key=lambda x: (x[0], x[2] or "", x[1]))
    assert JournalEntry.objects.count() == 2
    assert balances() == {account(K.COUPON_RECEIVABLE): D("50.00"), account(K.COMMISSION_MARGIN): D("-30.00"),
                          pending_s: D("-9.00"), account(K.PROMOTER_AVAILABLE, seller): D("-6.00"),
                          pending_p: D("-3.00"), account(K.PROMOTER_AVAILABLE, sponsor): D("-2.00")}


def test_a_repeated_import_writes_nothing_twice(world, ops):
    code = world["picks"][0].tracking_code
    data = report([{"order_id": "E1", "tracking_code": code, "status": "paid"},
                   {"order_id": "E2", "tracking_code": code, "status": "paid"},
                   {"order_id": "E2", "tracking_code": code, "status": "settled"}])
    run(ops, data)
    before, money = written(), balances()
    assert before == (2, 4, 2, 10)
    again = run(ops, data)
    assert (again.imported, again.skipped, again.commission_total) == (0, 3, D("0.00"))
    assert written() == before and balances() == money


def test_a_failed_import_writes_nothing_and_a_retry_books_once(world, ops, monkeypatch):
    code = world["picks"][0].tracking_code
    data = report([{"order_id": "E1", "tracking_code": code, "status": "paid", "commission": "20.00"}])

    def broken(cur, report):
        raise RuntimeError("disk full")

    monkeypatch.setattr(bulk, "_finish", broken)
    with pytest.raises(RuntimeError):
        run(ops, data)
    assert written() == (0, 0, 0, 0) and balances() == {}
    monkeypatch.undo()
    result = run(ops, data)
    assert (result.imported, written()) == (1, (1, 2, 1, 4))
    assert balances()[account(K.PROMOTER_PENDING, world["seller"])] == D("-6.00")


def test_an_entry_that_does_not_balance_is_refused_before_the_ledger_is_touched_and_nothing_is_written(
        world, ops, monkeypatch):
    code = world["picks"][0].tracking_code
    data = report([{"order_id": "E1", "tracking_code": code, "status": "paid", "commission": "20.00"}])
    real = bulk_ledger._lines

    def off_by_a_fen(cur, receivable, margin):  # the receivable's line one fen more than the entry's credits
        real(cur, receivable, margin)
        cur.execute("UPDATE cln SET amount = amount + 1 WHERE side = 0")

    monkeypatch.setattr(bulk_ledger, "_lines", off_by_a_fen)
    with pytest.raises(RuntimeError, match="does not balance"):
        run(ops, data)
    assert written() == (0, 0, 0, 0) and balances() == {}
    assert not ReportRow.objects.exists()


def test_a_refund_in_a_later_report_reverses_exactly_what_was_booked_for_that_order(world, ops):
    seller, sponsor, code = world["seller"], world["sponsor"], world["picks"][0].tracking_code
    run(ops, report([{"order_id": "E1", "tracking_code": code, "status": "paid", "commission": "20.00"},
                     {"order_id": "E2", "tracking_code": code, "status": "paid", "commission": "10.00"}]))
    later = run(ops, report([{"order_id": "E1", "tracking_code": code, "status": "refunded"}]))
    assert (later.reversed, later.commission_total) == (1, D("-8.00"))
    e1 = CouponOrder.objects.get(external_order_id="E1")
    refund = JournalEntry.objects.get(kind=E.COMMISSION_CANCELLED)
    assert (refund.key, refund.memo) == (f"coupon:{e1.pk}:refunded", "券订单 E1 退款")
    booked = JournalLine.objects.filter(entry__kind=E.COMMISSION_ACCRUED, order_ref=e1.ref)
    taken = refund.lines.filter(order_ref=e1.ref)
    assert (sorted((a, -x, r, rt, b) for a, x, r, rt, b in booked.values_list("account", "amount", "rule", "rate",
                                                                           "base"))
            == sorted(taken.values_list("account", "amount", "rule", "rate", "base")))
    assert lines_of(refund) == sorted([
        (account(K.COMMISSION_MARGIN), D("12.00"), None, None), (account(K.COUPON_RECEIVABLE), D("-20.00"), None, None),
        (account(K.PROMOTER_PENDING, seller), D("6.00"), e1.ref, "direct"),
        (account(K.PROMOTER_PENDING, sponsor), D("2.00"), e1.ref, "tiers"),
    ], key=lambda x: (x[0], x[2] or "", x[1]))
    assert balances() == {account(K.COUPON_RECEIVABLE): D("10.00"), account(K.COMMISSION_MARGIN): D("-6.00"),
                          account(K.PROMOTER_PENDING, seller): D("-3.00"),
                          account(K.PROMOTER_PENDING, sponsor): D("-1.00")}
    assert set(CouponCommission.objects.filter(order=e1).values_list("status", flat=True)) == {"cancelled"}


def test_the_wallet_history_names_the_coupon_order_of_each_commission(world, ops):
    code = world["picks"][0].tracking_code
    run(ops, report([{"order_id": "E1", "tracking_code": code, "status": "paid", "commission": "20.00"},
                     {"order_id": "E2", "tracking_code": code, "status": "paid", "commission": "10.00"}]))
    total, page = wallet_history(world["seller"])
    assert total == 2
    assert sorted((m.order_kind, m.order_number, m.amount, m.balance) for m in page) == [
        ("coupon", "E1", D("6.00"), "pending"), ("coupon", "E2", D("3.00"), "pending")]


@pytest.mark.parametrize(("orders", "commissions", "moved"), [
    ([], [], (False, False)),  # nothing accrued or refunded: neither account
    ([(1, True, False, 1000)], [(1, 1000, True)], (True, False)),  # the commissions are all of B: no margin line
    ([(1, True, False, 1000)], [(1, 400, True)], (True, True)),  # Σ B − Σ commissions ≠ 0 proves the margin's
    # +100 on one order and −100 on another: the sums cancel, so the orders are compared one by one.
    ([(1, True, False, 1000), (2, True, False, 1000)], [(1, 900, True), (2, 1100, True)], (True, True)),
    # An earlier order refunded now counts with its stored commissions; one only settled now does not.
    ([(1, False, True, 1000), (2, False, False, 500)], [(1, 1000, False), (2, 100, False)], (True, False)),
    ([(1, False, False, 500)], [(1, 100, False)], (False, False)),
])
def test_the_receivable_and_the_margin_are_opened_only_when_a_line_moves_them(orders, commissions, moved):
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE ct (id bigint, new bool, refund bool, b bigint) ON COMMIT DROP")
        cur.execute("CREATE TEMP TABLE cm (order_db bigint, amount bigint, new bool) ON COMMIT DROP")
        for row in orders:
            cur.execute("INSERT INTO ct VALUES (%s, %s, %s, %s)", list(row))
        for row in commissions:
            cur.execute("INSERT INTO cm VALUES (%s, %s, %s)", list(row))
        assert bulk_ledger._platform_moved(cur) == moved
