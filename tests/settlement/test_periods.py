"""Period rules: the spec's example 5 (team volume) through real orders completed in a month, booked once."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError
from django.utils import timezone

from tests.orders import factories as of
from tests.settlement import factories as f
from tuishou.core.errors import DomainError
from tuishou.incentives.selectors import plan_version_in_force
from tuishou.ledger.models import JournalEntry
from tuishou.settlement.models import Commission, PeriodSettlement
from tuishou.settlement.periods import period_bounds, period_settle, previous_period

pytestmark = pytest.mark.django_db
K = f.K


@pytest.fixture
def month(after_commit):
    """A (root) and its direct downlines B, C, D, E buy for themselves B = 300 000, 5 000, 30 000, 250 000,
    600 000 (a 50% commission setting), and the orders complete in one month."""
    of.plan(f.EXAMPLE_5)
    a = of.root("A")
    downlines = [of.invitee(a, name) for name in "BCDE"]
    orders = []
    for promoter, base in zip([a, *downlines], ["300000", "5000", "30000", "250000", "600000"], strict=True):
        price = str(Decimal(base) * 2)
        orders.append(f.completed(f.self_purchase(after_commit, promoter, price=price, rate="0.5000")))
    period = timezone.localtime(orders[0].completed_at).strftime("%Y-%m")
    assert {timezone.localtime(o.completed_at).strftime("%Y-%m") for o in orders} == {period}
    return period, a, downlines


def test_the_specs_example_5_is_booked_once_per_community_and_month(month):
    period, a, (b, c, d, e) = month
    _, end = period_bounds(period)

    booked = period_settle(period=period, now=end)

    assert len(booked) == 1
    settlement = PeriodSettlement.objects.get()
    assert (settlement.period, settlement.base_total, settlement.payout_total, settlement.recipients) == (
        period, Decimal("1185000.00"), Decimal("94800.00"), 5)
    entry = f.entry(f"period:OFFICIAL:{period}")
    assert entry.kind == JournalEntry.Kind.PERIOD_COMMISSION
    assert sorted((line.account.promoter_id, line.amount) for line in entry.lines.select_related("account")
                  if line.account.promoter_id) == sorted([
        (a.pk, Decimal("-30500.00")), (b.pk, Decimal("-100.00")), (c.pk, Decimal("-1200.00")),
        (d.pk, Decimal("-15000.00")), (e.pk, Decimal("-48000.00"))])
    assert f.account_amount(K.COMMISSION_EXPENSE) == Decimal("94800.00")
    assert f.account_amount(K.PROMOTER_AVAILABLE, a) == Decimal("30500.00")
    assert set(Commission.objects.filter(period=period).values_list("status", "rule")) == {
        ("available", "team_volume")}

    # running it again books nothing more
    assert period_settle(period=period, now=end) == []
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.PERIOD_COMMISSION).count() == 1
    assert Commission.objects.filter(period=period).count() == 5


def test_the_command_books_a_finished_month_and_refuses_one_still_running(month):
    period, _a, _ = month
    out = StringIO()
    _, end = period_bounds(period)

    with pytest.raises(DomainError) as still_open:
        period_settle(period=period, now=end - timezone.timedelta(seconds=1))
    assert still_open.value.code == "settlement.period_open"
    assert not PeriodSettlement.objects.exists()

    if timezone.now() >= end:  # the month is over for real: the command books it
        call_command("settle-period", period, stdout=out)
        assert "1 community period(s) booked." in out.getvalue()
    else:
        with pytest.raises(CommandError) as refused:
            call_command("settle-period", period, stdout=out)
        assert refused.value.returncode == 2
    with pytest.raises(CommandError):
        call_command("settle-period", "2026-13", stdout=out)


def test_a_month_without_completed_orders_books_nothing_to_anyone(after_commit):
    of.plan(f.EXAMPLE_5)
    of.root("A")
    period = timezone.localtime(timezone.now() + timezone.timedelta(days=40)).strftime("%Y-%m")

    period_settle(period=period, now=period_bounds(period)[1])

    assert PeriodSettlement.objects.get().payout_total == Decimal("0.00")
    assert not JournalEntry.objects.filter(kind=JournalEntry.Kind.PERIOD_COMMISSION).exists()


def test_the_previous_period_is_the_month_before_in_shanghai_time():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    # 2026-10-31 17:00 UTC is 2026-11-01 01:00 in Shanghai: the month before is October
    assert previous_period(datetime(2026, 10, 31, 17, 0, tzinfo=ZoneInfo("UTC"))) == "2026-10"
    assert previous_period(datetime(2026, 1, 5, tzinfo=ZoneInfo("Asia/Shanghai"))) == "2025-12"


def test_a_constraint_failure_while_booking_raises_and_is_not_taken_for_already_booked(month):
    # given a period commission row left behind without its settlement (a hand repair gone wrong)
    period, a, _ = month
    _, end = period_bounds(period)
    version = plan_version_in_force(community_id=a.community_id, at=end)
    Commission.objects.create(period=period, community=a.community, promoter=a, rule="team_volume",
                              plan_version=version, base=Decimal("1"), rate=Decimal("0"),
                              accrued_amount=Decimal("0"), amount=Decimal("0"), status=Commission.Status.AVAILABLE)

    # when the month is booked, the clash with that row is an error, not "already booked"
    with pytest.raises(IntegrityError):
        period_settle(period=period, now=end)

    # then nothing of the month was written
    assert not PeriodSettlement.objects.exists()
    assert not JournalEntry.objects.filter(kind=JournalEntry.Kind.PERIOD_COMMISSION).exists()
    assert Commission.objects.filter(period=period).count() == 1
