"""Reads of the promoter centre in settlement: today's and this month's earnings, the commission list query."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tests.orders import factories as f
from tuishou.settlement.models import Commission
from tuishou.settlement.selectors import promoter_commissions_query, promoter_earnings

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _commissions(after_commit, count: int):
    """``count`` orders of 59.90 × 2 through one promoter's link: each pays them 7.18 (30% of B = 23.96)."""
    f.plan()
    promoter = f.invitee(f.root("阿花"), "小李")
    honey = f.sku(price="59.90", stock=50)
    link = f.share_link(promoter, honey.product_id)
    for _ in range(count):
        f.paid_order(after_commit, item=honey, quantity=2, share_code=link.code)
    rows = list(Commission.objects.filter(promoter=promoter).order_by("id"))
    assert [c.amount for c in rows] == [Decimal("7.18")] * count
    return promoter, rows


def test_earnings_count_today_and_this_calendar_month_in_shanghai(after_commit):
    promoter, rows = _commissions(after_commit, 4)
    now = datetime(2026, 10, 15, 10, 0, tzinfo=SHANGHAI)
    times = [now - timedelta(hours=1),                          # today
             datetime(2026, 10, 15, 0, 0, tzinfo=SHANGHAI),     # today, its first second
             datetime(2026, 10, 1, 0, 0, tzinfo=SHANGHAI),      # this month
             datetime(2026, 9, 30, 23, 59, tzinfo=SHANGHAI)]    # last month
    for row, at in zip(rows, times, strict=True):
        Commission.objects.filter(pk=row.pk).update(created_at=at)
    assert promoter_earnings(promoter, now=now).today == Decimal("14.36")
    assert promoter_earnings(promoter, now=now).month == Decimal("21.54")


@pytest.mark.tampered  # statuses and amounts set by hand: this tests the read, not how refunds get there
def test_earnings_leave_out_cancelled_commissions_and_count_what_is_left_after_refunds(after_commit):
    promoter, rows = _commissions(after_commit, 2)
    Commission.objects.filter(pk=rows[0].pk).update(status=Commission.Status.CANCELLED)
    Commission.objects.filter(pk=rows[1].pk).update(amount=Decimal("3.59"))
    earnings = promoter_earnings(promoter)
    assert (earnings.today, earnings.month) == (Decimal("3.59"), Decimal("3.59"))


def test_earnings_of_a_promoter_without_commissions_are_zero():
    earnings = promoter_earnings(f.root("空"))
    assert (earnings.today, earnings.month) == (Decimal("0.00"), Decimal("0.00"))


@pytest.mark.tampered  # a status set by hand: this tests the read, not how a clawback gets there
def test_commission_list_is_newest_first_and_filters_by_status(after_commit):
    promoter, rows = _commissions(after_commit, 3)
    Commission.objects.filter(pk=rows[1].pk).update(status=Commission.Status.CLAWED_BACK)
    assert [c.pk for c in promoter_commissions_query(promoter=promoter)] == [r.pk for r in reversed(rows)]
    assert [c.pk for c in promoter_commissions_query(promoter=promoter, status="clawed_back")] == [rows[1].pk]
    assert [c.pk for c in promoter_commissions_query(promoter=promoter, status="pending")] == [rows[2].pk, rows[0].pk]
