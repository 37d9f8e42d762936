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


ALIPAY = {"method": "alipay", "account": "13812348000", "name": "张小明"}


def _period_lines(period: str) -> list[tuple[int, str, Decimal]]:
    entry = f.entry(f"period:OFFICIAL:{period}")
    return sorted((line.account.promoter_id, line.account.kind, line.amount)
                  for line in entry.lines.select_related("account") if line.account.promoter_id)


def test_a_frozen_recipients_share_is_held_pending_and_released_by_the_settlement_after_unfreeze(month):
    """Issue 10: a freeze holds commissions, period ones included. E (48 000.00 of the month's 94 800.00) is
    frozen when the month is booked: E's share goes to pending, not withdrawable, until E is unfrozen and the next
    settlement run moves it to available; everyone else's is booked available as before."""
    from tests.network import factories as nf
    from tuishou.network.operator_actions import promoter_freeze, promoter_unfreeze
    from tuishou.settlement.settle import settlement_run
    from tuishou.wallets import services as wallets
    from tuishou.wallets.selectors import wallet_get

    period, a, (b, c, d, e) = month
    _, end = period_bounds(period)
    ops = nf.operator("ops")
    promoter_freeze(actor=ops, promoter_id=e.pk, reason="疑似刷单")

    period_settle(period=period, now=end)

    assert _period_lines(period) == sorted([
        (a.pk, K.PROMOTER_AVAILABLE, Decimal("-30500.00")), (b.pk, K.PROMOTER_AVAILABLE, Decimal("-100.00")),
        (c.pk, K.PROMOTER_AVAILABLE, Decimal("-1200.00")), (d.pk, K.PROMOTER_AVAILABLE, Decimal("-15000.00")),
        (e.pk, K.PROMOTER_PENDING, Decimal("-48000.00"))])
    assert f.account_amount(K.COMMISSION_EXPENSE) == Decimal("94800.00")
    assert (f.account_amount(K.PROMOTER_PENDING, e), f.account_amount(K.PROMOTER_AVAILABLE, e)) == (
        Decimal("48000.00"), Decimal("0.00"))
    held = Commission.objects.get(period=period, promoter=e)
    assert (held.status, held.amount, held.settled_amount, held.settled_at) == (
        "pending", Decimal("48000.00"), None, None)
    assert sorted(Commission.objects.filter(period=period).exclude(promoter=e)
                  .values_list("promoter_id", "status", "settled_amount")) == sorted([
        (a.pk, "available", Decimal("30500.00")), (b.pk, "available", Decimal("100.00")),
        (c.pk, "available", Decimal("1200.00")), (d.pk, "available", Decimal("15000.00"))])

    # while E is frozen, however late the settlement runs, the share stays held
    later = end + timezone.timedelta(days=40)
    assert settlement_run(as_of=later).commissions == 0
    assert Commission.objects.get(pk=held.pk).status == "pending"

    # unfrozen, the share is still pending, so not withdrawable, until the next settlement run
    promoter_unfreeze(actor=ops, promoter_id=e.pk, reason="核实无误")
    e.refresh_from_db()
    wallet = wallet_get(e)
    assert (wallet.pending, wallet.available, wallet.withdrawable) == (
        Decimal("48000.00"), Decimal("0.00"), Decimal("0.00"))
    entries = JournalEntry.objects.count()
    with pytest.raises(DomainError) as refused:
        wallets.withdrawal_request(promoter=e, amount="100.00", payee=ALIPAY, idempotency_key="held-1")
    assert refused.value.code == "wallets.insufficient_funds"
    assert JournalEntry.objects.count() == entries

    released = settlement_run(as_of=later)

    assert released.commissions == 1
    held.refresh_from_db()
    assert (held.status, held.amount, held.settled_amount) == ("available", Decimal("48000.00"),
                                                               Decimal("48000.00"))
    assert sorted(f.lines_of(f.entry(f"settle:commission:{held.pk}"))) == sorted([
        (f"promoter_pending:promoter:{e.pk}", Decimal("48000.00")),
        (f"promoter_available:promoter:{e.pk}", Decimal("-48000.00"))])
    wallet = wallet_get(e)
    assert (wallet.pending, wallet.available, wallet.withdrawable) == (
        Decimal("0.00"), Decimal("48000.00"), Decimal("48000.00"))
    # and nothing twice: the month books nothing more, the settlement moves nothing more
    assert period_settle(period=period, now=end) == []
    assert settlement_run(as_of=later).commissions == 0
    assert f.account_amount(K.PROMOTER_AVAILABLE, e) == Decimal("48000.00")
    assert f.account_amount(K.COMMISSION_EXPENSE) == Decimal("94800.00")
    assert JournalEntry.objects.filter(key__startswith="settle:commission:").count() == 1


def test_a_share_held_for_a_frozen_recipient_reconciles_while_held_and_after_release(month):
    from tests.network import factories as nf
    from tests.settlement.conftest import reconcile
    from tuishou.network.operator_actions import promoter_freeze, promoter_unfreeze
    from tuishou.settlement.settle import settlement_run

    period, a, _ = month
    _, end = period_bounds(period)
    ops = nf.operator("ops")
    promoter_freeze(actor=ops, promoter_id=a.pk, reason="核查")
    period_settle(period=period, now=end)
    assert reconcile()[0] == 0

    promoter_unfreeze(actor=ops, promoter_id=a.pk, reason="核实无误")
    settlement_run(as_of=end + timezone.timedelta(days=1))

    assert Commission.objects.get(period=period, promoter=a).status == "available"
    assert f.account_amount(K.PROMOTER_AVAILABLE, a) == Decimal("30500.00")
    assert reconcile()[0] == 0


@pytest.mark.tampered
def test_reconcile_reports_a_held_share_marked_available_without_its_settlement_entry(month):
    from tests.network import factories as nf
    from tests.settlement.conftest import reconcile
    from tuishou.network.operator_actions import promoter_freeze

    period, a, _ = month
    _, end = period_bounds(period)
    promoter_freeze(actor=nf.operator("ops"), promoter_id=a.pk, reason="核查")
    period_settle(period=period, now=end)
    held = Commission.objects.get(period=period, promoter=a)
    Commission.objects.filter(pk=held.pk).update(status="available", settled_amount=held.amount)

    code, out = reconcile()

    assert code == 1
    assert f"commission #{held.pk} (team_volume, promoter {a.pk})" in out
    assert f"settle:commission:{held.pk} moving 30500.00" in out


def test_the_api_lists_a_period_commission_beside_order_commissions(client, month):
    period, a, _ = month
    _, end = period_bounds(period)
    period_settle(period=period, now=end)
    row = Commission.objects.get(period=period, promoter=a)
    client.force_login(a.user)

    body = client.get("/api/v1/settlement/commissions/mine").json()

    assert [(c["kind"], c["id"], c["period"], c["order_id"], c["rule"], c["amount"], c["status"], c["coupon_order"])
            for c in body["commissions"]] == [
        ("period", row.pk, period, None, "team_volume", "30500.00", "available", None)]
    assert body["summary"] == {"pending": "0.00", "available": "30500.00", "withdrawable": "30500.00"}
