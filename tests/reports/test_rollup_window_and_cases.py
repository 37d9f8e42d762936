"""The income disclosure's per-promoter window (``reports.PromoterWindow``) and the dashboard's after-sales rollup
(``reports.DayCases``): each equals the same figures recomputed from the books — after a fold, with changes past
the marks not folded yet (rank changes, new promoters, new cases, answers, escalations), with the window's day
moved either way, and after a rebuild; the pages' figures equal the books throughout."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum

from tests.orders import factories as of
from tests.reports.conftest import NOW, at
from tests.reports.test_dashboard_figures import check, expected, local_day
from tests.reports.test_rollups import figures_equal_the_books
from tests.settlement import factories as f
from tuishou.demo.clock import moved_clock
from tuishou.ledger.models import JournalLine
from tuishou.network.models import Promoter
from tuishou.orders import aftersales
from tuishou.orders.models import AfterSalesCase
from tuishou.reports.models import DayCases, PromoterWindow, RollupMark
from tuishou.reports.rollups import rollups_fold, rollups_rebuild
from tuishou.reports.selectors.dashboard import ops_dashboard
from tuishou.reports.selectors.scope import period_resolve, scope_resolve
from tuishou.reports.sql import WINDOW

pytestmark = pytest.mark.django_db
ZERO = Decimal("0.00")


def window_rows() -> dict:
    return {w.promoter_id: (w.community_id, w.rank, w.amount) for w in PromoterWindow.objects.all()}


def window_books() -> dict:
    """Every promoter: community, rank, and what they earned from the window mark's day on (every line)."""
    first = RollupMark.objects.get(name=WINDOW).day
    earned: dict = defaultdict(lambda: ZERO)
    for line in JournalLine.objects.select_related("entry", "account").filter(order_ref__isnull=False):
        if line.account.promoter_id and local_day(line.entry.created_at) >= first:
            earned[line.account.promoter_id] -= line.amount
    return {p.pk: (p.community_id, p.rank, earned[p.pk]) for p in Promoter.objects.all()}


def case_rollup() -> dict:
    rows = DayCases.objects.values("day", "community_id", "merchant_id").annotate(
        o=Sum("opened"), d=Sum("due"), a=Sum("answered"), late=Sum("late"), n=Sum("open_delta"))
    return {(r["day"], r["community_id"], r["merchant_id"]): (r["o"], r["d"], r["a"], r["late"], r["n"])
            for r in rows if any((r["o"], r["d"], r["a"], r["late"], r["n"]))}


def case_books() -> dict:
    out: dict = defaultdict(lambda: [0, 0, 0, 0, 0])
    for case in AfterSalesCase.objects.select_related("order"):
        key = (case.order.community_id, case.order.merchant_id)
        out[(local_day(case.opened_at), *key)][0] += 1
        due = out[(local_day(case.answer_due_at), *key)]
        due[1] += 1
        due[2] += case.answered_at is not None
        due[3] += case.answered_at is not None and case.answered_at > case.answer_due_at
        due[4] += case.status in AfterSalesCase.OPEN_STATUSES
    return {k: tuple(v) for k, v in out.items()}


def open_cases_rollup() -> int:
    return DayCases.objects.aggregate(n=Sum("open_delta"))["n"] or 0


def test_the_window_holds_every_promoter_and_equals_the_books_after_each_fold(world, after_commit):
    rollups_fold()
    assert window_rows() == window_books()
    with moved_clock(at("2026-06-20")):
        f.self_purchase(after_commit, world["y"], merchant=world["shop_b"], price="300.00")
        f.refund(after_commit, world["orders"][0], amount="40.00")
        of.invitee(world["z"], "后来者")
    figures_equal_the_books(world)  # not folded: the new promoter and the new lines are read live
    rollups_fold()
    assert window_rows() == window_books()
    figures_equal_the_books(world)


def test_the_window_day_moves_forward_and_back_with_the_clock(world):
    for day in ("2026-06-30", "2027-06-01", "2026-01-15", "2026-06-30"):
        with moved_clock(at(day)):
            rollups_fold()
        mark = RollupMark.objects.get(name=WINDOW).day
        assert mark == date.fromisoformat(day) - timedelta(days=364)
        assert window_rows() == window_books()
        figures_equal_the_books(world)  # the report's window (NOW's) differs from the mark's but one time


def test_a_rank_change_after_the_fold_is_read_from_the_promoter(world):
    rollups_fold()
    f.rank(world["y"], "shopkeeper")  # a member who earned nothing becomes a shopkeeper
    f.rank(world["x"], "member")
    assert window_rows()[world["y"].pk][1] == "member"  # not folded yet
    figures_equal_the_books(world)
    rollups_fold()
    assert window_rows() == window_books()
    assert window_rows()[world["y"].pk][1] == "shopkeeper"
    figures_equal_the_books(world)


def test_a_community_choice_after_the_fold_counts_the_promoter_in_the_new_community(world):
    from tuishou.network.community_choice import promoter_community_choose

    rollups_fold()
    newcomer = Promoter.objects.get(pk=world["newcomer"].pk)
    assert newcomer.stage == Promoter.Stage.TEMPORARY
    promoter_community_choose(promoter=newcomer, community_id=world["agency"].pk)
    assert window_rows()[newcomer.pk][0] != world["agency"].pk  # not folded yet
    figures_equal_the_books(world)
    rollups_fold()
    assert window_rows() == window_books()
    assert window_rows()[newcomer.pk][0] == world["agency"].pk
    figures_equal_the_books(world)


def dashboards_equal_the_books(world) -> None:
    period = period_resolve(first=date(2026, 5, 15), last=date(2026, 6, 30), now=NOW)
    for scope, narrow in ((scope_resolve(), {}), (scope_resolve(community="OFFICIAL"),
                                                  {"community": world["x"].community}),
                          (scope_resolve(community="XINGHUO"), {"community": world["agency"]}),
                          (scope_resolve(kind="official"), {"community": world["x"].community}),
                          (scope_resolve(merchant=world["shop_b"].pk), {"merchant": world["shop_b"]})):
        check(ops_dashboard(user=world["ops"], period=period, scope=scope, now=NOW), expected(period, **narrow))


def test_the_cases_rollup_equals_the_cases_through_opening_answering_and_escalating(world, after_commit):
    rollups_fold()
    assert case_rollup() == case_books()
    assert open_cases_rollup() == AfterSalesCase.objects.filter(status__in=AfterSalesCase.OPEN_STATUSES).count()
    dashboards_equal_the_books(world)
    may, _late, _early, refunded = world["orders"]
    with moved_clock(at("2026-06-28", 8)):  # due 06-30 08:00 (48 hours), before NOW: today's breach, unanswered
        due_today = aftersales.aftersales_open(buyer=refunded.buyer, order_id=refunded.pk, kind="refund_only",
                                               reason="少件", amount="5.00")
    with moved_clock(at("2026-06-28", 20)):  # due 06-30 20:00, after NOW: not (yet) a breach
        aftersales.aftersales_open(buyer=may.buyer, order_id=may.pk, kind="refund_only", reason="少件",
                                   amount="5.00")
    dashboards_equal_the_books(world)  # new cases past the mark
    june = period_resolve(first=None, last=None, now=NOW)
    board = ops_dashboard(user=world["ops"], period=june, scope=scope_resolve(), now=NOW)
    assert (board.sla_breaches[13], board.sla_breaches[29], board.open_cases) == (1, 1, 3)  # 06-14, 06-30
    rollups_fold()
    assert case_rollup() == case_books()
    with moved_clock(at("2026-06-30", 9)):  # answered an hour late (a rejection)
        aftersales.aftersales_answer(actor=of.owner(world["shop_a"]), case_id=due_today.pk, accept=False,
                                     answer="已发全")
    aftersales.aftersales_escalate_overdue(now=NOW)  # 06-12's case, never answered, goes to customer service
    dashboards_equal_the_books(world)  # the moves past the mark
    board = ops_dashboard(user=world["ops"], period=june, scope=scope_resolve(), now=NOW)
    assert (board.sla_breaches[13], board.sla_breaches[29], board.open_cases) == (1, 1, 2)  # answered late
    rollups_fold()
    assert case_rollup() == case_books()
    assert open_cases_rollup() == AfterSalesCase.objects.filter(status__in=AfterSalesCase.OPEN_STATUSES).count()
    dashboards_equal_the_books(world)
    kept = case_rollup()
    rollups_rebuild()
    assert case_rollup() == kept
    rollups_fold()
    assert case_rollup() == kept
    dashboards_equal_the_books(world)
