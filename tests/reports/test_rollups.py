"""The reports' rollups: kept at the order's write points and folded from the journal, they always give the
figures the books give — before a fold, after one, after more orders and refunds, after a rebuild — and a
rebuild or a fold with nothing new is idempotent."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from tests.reports.conftest import NOW, at
from tests.reports.test_dashboard_figures import check, expected, local_day
from tests.reports.test_income_figures import recomputed
from tests.settlement import factories as f
from tuishou.demo.clock import moved_clock
from tuishou.ledger.models import JournalLine
from tuishou.orders.models import Order
from tuishou.reports.models import DayOrders, PromoterDay, RollupMark
from tuishou.reports.rollups import rollups_fold, rollups_rebuild
from tuishou.reports.selectors.dashboard import ops_dashboard
from tuishou.reports.selectors.income import income_disclosure
from tuishou.reports.selectors.scope import period_resolve, scope_resolve

pytestmark = pytest.mark.django_db
ZERO = Decimal("0.00")


def order_rollup() -> dict:
    """The rollup's figures per (day, community, merchant), its delta rows summed."""
    rows = (DayOrders.objects.values("day", "community_id", "merchant_id")
            .annotate(g=Sum("gmv"), o=Sum("orders"), b=Sum("base"), r=Sum("refunded"), l=Sum("lines")))
    return {(r["day"], r["community_id"], r["merchant_id"]): (r["g"], r["o"], r["b"], r["r"], r["l"])
            for r in rows}


def order_books(*, lines_through: int) -> dict:
    """The same figures from the orders and the journal lines up to ``lines_through``."""
    out: dict = defaultdict(lambda: [ZERO, 0, ZERO, ZERO, ZERO])
    for order in Order.objects.filter(paid_at__isnull=False):
        row = out[(local_day(order.paid_at), order.community_id, order.merchant_id)]
        row[0] += order.total
        row[1] += 1
        row[2] += order.commission_base_remaining
        row[3] += order.refunded_amount
        row[4] += sum((line.amount for line in JournalLine.objects.filter(order_ref=order.number,
                                                                        id__lte=lines_through)), ZERO)
    return {key: tuple(v) for key, v in out.items()}


def earnings_rollup() -> dict:
    return {(r["promoter_id"], r["day"]): r["a"] for r in
            PromoterDay.objects.values("promoter_id", "day").annotate(a=Sum("amount"))}


def earnings_books(*, lines_through: int) -> dict:
    out: dict = defaultdict(lambda: ZERO)
    for line in JournalLine.objects.select_related("entry", "account").filter(order_ref__isnull=False,
                                                                              id__lte=lines_through):
        if line.account.promoter_id:
            out[(line.account.promoter_id, local_day(line.entry.created_at))] -= line.amount
    return dict(out)


def ledger_mark() -> int:
    return RollupMark.objects.get(name="ledger").through


def newest_line() -> int:
    return JournalLine.objects.order_by("-id").values_list("id", flat=True).first()


def figures_equal_the_books(world) -> None:
    for first, last in ((None, None), (date(2026, 5, 1), date(2026, 6, 30))):
        period = period_resolve(first=first, last=last, now=NOW)
        for scope, narrow in ((scope_resolve(), {}), (scope_resolve(community="OFFICIAL"),
                                                      {"community": world["x"].community}),
                              (scope_resolve(merchant=world["shop_a"].pk), {"merchant": world["shop_a"]})):
            check(ops_dashboard(user=world["ops"], period=period, scope=scope, now=NOW), expected(period, **narrow))
    report = income_disclosure(user=world["ops"], scope=scope_resolve(), now=NOW)
    assert {(r.community_code, r.rank): (r.promoters, r.zero_earners, r.median, r.mean, r.p90, r.total)
            for r in report.rows} == recomputed({"OFFICIAL": "member"})


def test_the_write_points_keep_the_orders_and_a_fold_adds_the_journal(world):
    mark = ledger_mark()
    assert mark < newest_line()  # the world's commissions were posted after the migration's (empty) rebuild
    assert {k: v[:4] for k, v in order_rollup().items()} == {k: v[:4] for k, v in
                                                               order_books(lines_through=mark).items()}
    figures_equal_the_books(world)  # the pages read the lines after the mark from the journal

    result = rollups_fold()

    assert (result.ledger_from, result.ledger_to, ledger_mark()) == (mark, newest_line(), newest_line())
    assert order_rollup() == order_books(lines_through=newest_line())
    assert earnings_rollup() == earnings_books(lines_through=newest_line())
    # compacted: one row per key
    assert DayOrders.objects.count() == len(order_rollup())
    assert PromoterDay.objects.count() == len(earnings_rollup())
    figures_equal_the_books(world)
    # written out: 06-03's two orders of two merchants (400.00 credited to X, 50.00 with no promoter)
    june_3 = {k: v for k, v in order_rollup().items() if k[0] == date(2026, 6, 3)}
    assert sorted(v[:2] for v in june_3.values()) == [(Decimal("50.00"), 1), (Decimal("400.00"), 1)]


def test_more_orders_and_refunds_after_a_fold_keep_every_figure_exact(world, after_commit):
    rollups_fold()
    with moved_clock(at("2026-06-20")):
        f.self_purchase(after_commit, world["y"], merchant=world["shop_b"], price="300.00")
        f.refund(after_commit, world["orders"][0], amount="40.00")  # 05-20's order, refunded on 06-20
    with moved_clock(at("2026-06-30", 9)):  # today, before NOW
        f.self_purchase(after_commit, world["x"], merchant=world["shop_a"], price="80.00")
    with moved_clock(at("2026-06-30", 15)):  # today, after NOW: in no figure of NOW's pages
        f.self_purchase(after_commit, world["z"], merchant=world["shop_a"], price="90.00")

    figures_equal_the_books(world)  # not folded yet
    assert {k: v[:4] for k, v in order_rollup().items()} == {k: v[:4] for k, v in
                                                               order_books(lines_through=0).items()}
    rollups_fold()
    figures_equal_the_books(world)
    assert order_rollup() == order_books(lines_through=newest_line())
    assert earnings_rollup() == earnings_books(lines_through=newest_line())
    refunded = order_rollup()[(date(2026, 5, 20), world["x"].community_id, world["shop_a"].pk)]
    assert (refunded[0], refunded[3]) == (Decimal("100.00"), Decimal("40.00"))


def test_a_rebuild_is_idempotent_and_equals_the_upkeep(world, after_commit):
    rollups_fold()
    kept = (order_rollup(), earnings_rollup())
    first = rollups_rebuild()
    assert (order_rollup(), earnings_rollup()) == kept
    rows = sorted(map(str, DayOrders.objects.values_list("day", "community_id", "merchant_id", "gmv", "orders",
                                                         "base", "refunded", "lines")))
    second = rollups_rebuild()
    assert (first.ledger_to, second.ledger_to) == (newest_line(), newest_line())
    assert sorted(map(str, DayOrders.objects.values_list("day", "community_id", "merchant_id", "gmv", "orders",
                                                         "base", "refunded", "lines"))) == rows
    assert (order_rollup(), earnings_rollup()) == kept
    figures_equal_the_books(world)


def test_a_fold_with_nothing_new_changes_nothing(world):
    rollups_fold()
    rows = sorted(DayOrders.objects.values_list("id", "gmv", "lines"))
    earnings = sorted(PromoterDay.objects.values_list("id", "amount"))
    again = rollups_fold()
    assert (again.ledger_from, again.ledger_to, again.order_days, again.earning_days) == (
        newest_line(), newest_line(), 0, 0)
    assert sorted(DayOrders.objects.values_list("id", "gmv", "lines")) == rows
    assert sorted(PromoterDay.objects.values_list("id", "amount")) == earnings


def test_the_command_and_the_scheduled_task(world, capsys):
    from tuishou.reports.tasks import fold_report_rollups

    call_command("report_rollups", "rebuild")
    assert f"→{newest_line()}" in capsys.readouterr().out
    assert fold_report_rollups.call()["ledger_to"] == newest_line()
    figures_equal_the_books(world)


def test_the_pages_never_write(world, django_assert_max_num_queries, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["ops"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/ops/").status_code == 200
        assert client.get("/ops/income/").status_code == 200
    rollup_tables = ("reports_dayorders", "reports_promoterday", "reports_rollupmark")
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
              and any(t in q["sql"] for t in rollup_tables)]
    assert writes == []
