"""The dashboard's figures equal the same figures recomputed here from the orders, the ledger's lines, the
promoters and the after-sales cases, row by row in Python (and the hand-checked ones are written out)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.reports.conftest import NOW
from tuishou.core.errors import InvalidInput, NotAuthenticated, PermissionDenied
from tuishou.ledger.models import JournalLine
from tuishou.network.models import Promoter
from tuishou.orders.models import AfterSalesCase, Order
from tuishou.reports.selectors.dashboard import ops_dashboard, ratio
from tuishou.reports.selectors.scope import PLATFORM_TZ, Period, period_resolve, scope_resolve

pytestmark = pytest.mark.django_db
ZERO = Decimal("0.00")


def local_day(moment) -> date:
    return timezone.localtime(moment, PLATFORM_TZ).date()


def expected(period: Period, *, community=None, merchant=None) -> dict:
    """Every daily series, recomputed from the rows."""
    days = period.dates()
    series = {k: dict.fromkeys(days, ZERO) for k in ("gmv", "base", "commissions", "refunded")}
    series["orders"] = dict.fromkeys(days, 0)
    for order in Order.objects.filter(paid_at__isnull=False):
        day = local_day(order.paid_at)
        if day not in series["orders"] or (community and order.community_id != community.pk) \
                or (merchant and order.merchant_id != merchant.pk):
            continue
        series["gmv"][day] += order.total
        series["orders"][day] += 1
        series["base"][day] += order.commission_base_remaining
        series["refunded"][day] += order.refunded_amount
        series["commissions"][day] -= sum((line.amount for line in JournalLine.objects.filter(order_ref=order.number)),
                                          ZERO)
    promoters = [p for p in Promoter.objects.all() if community is None or p.community_id == community.pk]
    series["new_promoters"] = {d: sum(1 for p in promoters if local_day(p.created_at) == d) for d in days}
    series["team_size"] = {d: sum(1 for p in promoters if local_day(p.created_at) <= d) for d in days}
    cases = [c for c in AfterSalesCase.objects.select_related("order")
             if (community is None or c.order.community_id == community.pk)
             and (merchant is None or c.order.merchant_id == merchant.pk)]
    series["cases_opened"] = {d: sum(1 for c in cases if local_day(c.opened_at) == d) for d in days}
    late = [c for c in cases if (c.answered_at and c.answered_at > c.answer_due_at)
            or (c.answered_at is None and c.answer_due_at < NOW)]
    series["sla_breaches"] = {d: sum(1 for c in late if local_day(c.answer_due_at) == d) for d in days}
    series["open_cases"] = sum(1 for c in cases if c.status in AfterSalesCase.OPEN_STATUSES)
    return series


def check(board, wanted: dict) -> None:
    for key in ("gmv", "orders", "base", "commissions", "refunded", "new_promoters", "team_size", "cases_opened",
                "sla_breaches"):
        assert getattr(board, key) == [wanted[key][d] for d in board.days], key
    assert board.payout_ratio == [ratio(wanted["commissions"][d], wanted["base"][d]) for d in board.days]
    assert board.refund_rate == [ratio(wanted["refunded"][d], wanted["gmv"][d]) for d in board.days]
    assert board.open_cases == wanted["open_cases"]


def test_the_default_month_equals_the_books(world):
    period = period_resolve(first=None, last=None, now=NOW)
    board = ops_dashboard(user=world["ops"], period=period, scope=scope_resolve(), now=NOW)

    assert (period.first, period.last, len(board.days)) == (date(2026, 6, 1), date(2026, 6, 30), 30)
    check(board, expected(period))
    # written out: 06-03 holds the 23:00 order (Shanghai) and the 09:00 one; X's self-purchase of 400.00 pays
    # X 40.00 + 4.00 and Z 4.00 on B 80.00; 06-10's 200.00 order, refunded 50.00, keeps B 30.00 and pays 18.00.
    kpis = {k.key: k for k in board.kpis}
    assert (kpis["gmv"].value, kpis["gmv"].previous, kpis["gmv"].change) == (
        Decimal("650.00"), Decimal("100.00"), Decimal("5.5000"))
    assert (kpis["orders"].value, kpis["orders"].previous) == (3, 1)
    assert (kpis["commissions"].value, kpis["commissions"].previous) == (Decimal("66.00"), Decimal("12.00"))
    assert (kpis["payout_ratio"].value, kpis["payout_ratio"].previous) == (Decimal("0.5500"), Decimal("0.6000"))
    assert kpis["payout_ratio"].change == Decimal("-0.0500")  # a ratio changes by points
    assert (kpis["refund_rate"].value, kpis["new_promoters"].value, kpis["team_size"].value) == (
        Decimal("0.0769"), 1, 5)
    assert (kpis["team_size"].previous, kpis["cases_opened"].value, kpis["sla_breaches"].value) == (4, 2, 1)
    assert board.gmv[2] == Decimal("450.00") and board.open_cases == 1


def test_a_community_and_a_merchant_narrow_every_figure(world):
    period = period_resolve(first=date(2026, 5, 15), last=date(2026, 6, 14), now=NOW)
    official = scope_resolve(community="OFFICIAL")
    board = ops_dashboard(user=world["ops"], period=period, scope=official, now=NOW)
    check(board, expected(period, community=official.community))

    shop = scope_resolve(merchant=world["shop_b"].pk)
    board = ops_dashboard(user=world["ops"], period=period, scope=shop, now=NOW)
    check(board, expected(period, merchant=world["shop_b"]))
    assert sum(board.gmv) == Decimal("400.00")

    agency = scope_resolve(community="XINGHUO")
    board = ops_dashboard(user=world["ops"], period=period, scope=agency, now=NOW)
    check(board, expected(period, community=world["agency"]))
    assert (sum(board.gmv), board.team_size[-1]) == (ZERO, 1)


def test_every_agency_together(world):
    period = period_resolve(first=None, last=None, now=NOW)
    board = ops_dashboard(user=world["ops"], period=period, scope=scope_resolve(kind="agency"), now=NOW)
    assert (sum(board.orders), board.team_size[-1]) == (0, 1)


def test_the_dashboard_takes_seven_queries(world, django_assert_max_num_queries):
    period = period_resolve(first=None, last=None, now=NOW)
    scope = scope_resolve(community="OFFICIAL", merchant=world["shop_a"].pk)
    # the operator's roles, then seven reads (PostgreSQL: inside a savepoint that turns JIT off, three more)
    with django_assert_max_num_queries(11):
        ops_dashboard(user=world["ops"], period=period, scope=scope, now=NOW)


@pytest.mark.parametrize(("first", "last", "code", "field"), [
    (date(2026, 6, 30), date(2026, 6, 1), "reports.range_reversed", "start"),
    (date(2025, 1, 1), date(2026, 6, 1), "reports.range_too_long", "start"),
])
def test_a_bad_range_is_refused_beside_its_field(first, last, code, field):
    with pytest.raises(InvalidInput) as caught:
        period_resolve(first=first, last=last, now=NOW)
    assert (caught.value.code, caught.value.details["field"]) == (code, field)


def test_unknown_scopes_are_refused_beside_their_field(db):
    with pytest.raises(InvalidInput) as caught:
        scope_resolve(community="NOPE")
    assert (caught.value.code, caught.value.details["field"]) == ("reports.unknown_community", "community")
    with pytest.raises(InvalidInput) as caught:
        scope_resolve(merchant=999999)
    assert (caught.value.code, caught.value.details["field"]) == ("reports.unknown_merchant", "merchant")


def test_only_operators_read_it(world):
    period = period_resolve(first=None, last=None, now=NOW)
    with pytest.raises(PermissionDenied):
        ops_dashboard(user=world["x"].user, period=period, scope=scope_resolve(), now=NOW)
    with pytest.raises(NotAuthenticated):
        ops_dashboard(user=None, period=period, scope=scope_resolve(), now=NOW)
