"""Period rules (月度结算): team-volume bonuses and pools, booked once per (community, month).

For each community with a plan in force at the month's end that has period rules: PV per promoter is the
Σ B (the paid amount under ``base: paid``) of the orders credited to them and completed in the calendar
month (in the platform's time zone), less refunds; the engine's ``period_payouts`` prices the month, and
ONE entry (key ``period:<community code>:<YYYY-MM>``) pays every recipient from the platform's commission
expense. The orders are past their after-sales window, so a share is available at once, except a share of a
promoter an operator has frozen (冻结) when the month is booked: it is held, booked to the promoter's *pending*
balance as a pending commission due at once, and the settlement run (``settlement.settle``, which skips frozen
promoters) moves it to available after the freeze is lifted, with its own entry ``settle:commission:<id>``.
A ``PeriodSettlement`` row per (community, month) makes a second run book nothing.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tuishou.core.errors import InvalidInput
from tuishou.incentives.engine import period_payouts
from tuishou.incentives.selectors import engine_plan, plan_version_in_force
from tuishou.ledger.entries import CommissionSnapshot
from tuishou.ledger.models import Account, JournalEntry
from tuishou.ledger.services import account_for, journal_post
from tuishou.network.models import Community, Promoter
from tuishou.orders.models import Order
from tuishou.settlement.errors import SettlementError
from tuishou.settlement.models import Commission, PeriodSettlement
from tuishou.settlement.split import ZERO, effective_rate

K = Account.Kind
_PERIOD_RE = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def period_bounds(period: str) -> tuple[datetime, datetime]:
    """[start, end) of a calendar month ``YYYY-MM`` in the platform's time zone (Asia/Shanghai by default).

    Raises ``settlement.period_malformed``.
    """
    match = _PERIOD_RE.fullmatch(period or "")
    if match is None:
        raise InvalidInput(SettlementError.PERIOD_MALFORMED, period=period,
                           details={"field": "period"})
    year, month = int(match[1]), int(match[2])
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    return start, end


def previous_period(now: datetime | None = None) -> str:
    """The calendar month before ``now`` (in the platform's time zone): what the monthly task settles."""
    local = timezone.localtime(now or timezone.now(), zoneinfo.ZoneInfo(settings.TIME_ZONE))
    year, month = (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def period_settle(*, period: str, now: datetime | None = None) -> list[PeriodSettlement]:
    """Book the period rules of ``period`` for every community; return the settlements booked by THIS call.

    Raises ``settlement.period_open`` before the month has ended (its volume is not final yet).
    Idempotent per (community, period): a second run, or one racing it, books nothing more.
    """
    _, end = period_bounds(period)
    if (now or timezone.now()) < end:
        raise InvalidInput(SettlementError.PERIOD_OPEN, period=period,
                           details={"period": period})
    booked = []
    for community in Community.objects.order_by("pk"):
        result = community_period_settle(community=community, period=period)
        if result is not None:
            booked.append(result)
    return booked


def community_period_settle(*, community: Community, period: str) -> PeriodSettlement | None:
    """Book one community's period; None when already booked or its plan has no period rule."""
    start, end = period_bounds(period)
    if PeriodSettlement.objects.filter(community=community, period=period).exists():
        return None
    version = plan_version_in_force(community_id=community.pk, at=end - timedelta(microseconds=1))
    if version is None:
        return None
    plan = engine_plan(version)
    if not plan.compiled.period_rules:
        return None
    volume, self_volume = _volumes(community=community, start=start, end=end, paid_base=plan.base == "paid")
    network = list(Promoter.objects.filter(community=community).values_list("pk", "sponsor_id", "rank"))
    rank_index = plan.compiled.rank_index
    payouts = period_payouts(
        plan, period=period, sponsors={str(pk): (str(sponsor) if sponsor else None) for pk, sponsor, _ in network},
        ranks={str(pk): rank_index.get(rank, 0) for pk, _, rank in network},
        personal_volume=volume, self_purchase_volume=self_volume)
    base_total = sum(volume.values(), ZERO)
    key = f"period:{community.code}:{period}"
    with transaction.atomic():
        try:
            with transaction.atomic():
                settlement = PeriodSettlement.objects.create(
                    community=community, period=period, plan_version=version, base_total=base_total,
                    payout_total=sum((p.amount for p in payouts), ZERO), recipients=len({p.promoter for p in payouts}),
                    entry_key=key if payouts else "")
        except IntegrityError:
            # Only the period row's own uniqueness means "another run booked this (community, period) first";
            # any other failure (here or while booking below) is raised, never taken for "already booked".
            if PeriodSettlement.objects.filter(community=community, period=period).exists():
                return None
            raise
        if payouts:
            _book(key=key, community=community, period=period, version=version, payouts=payouts,
                  base_total=base_total)
    return settlement


def _volumes(*, community: Community, start: datetime, end: datetime,
             paid_base: bool) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """PV per promoter and its self-purchase part, over the orders completed in [start, end), less refunds."""
    rows = (Order.objects.filter(community=community, status=Order.Status.COMPLETED, completed_at__gte=start,
                                 completed_at__lt=end, promoter__isnull=False)
            .values_list("promoter_id", "self_purchase", "total", "refunded_amount", "commission_base_remaining"))
    volume: dict[str, Decimal] = {}
    self_volume: dict[str, Decimal] = {}
    for promoter_id, self_purchase, total, refunded, base_left in rows:
        base = total - refunded if paid_base else base_left
        volume[str(promoter_id)] = volume.get(str(promoter_id), ZERO) + base
        if self_purchase:
            self_volume[str(promoter_id)] = self_volume.get(str(promoter_id), ZERO) + base
    return volume, self_volume


def _book(*, key: str, community: Community, period: str, version, payouts, base_total: Decimal) -> JournalEntry:
    """Post the month's entry and its commission rows: available, or held (pending) for a frozen recipient."""
    total = sum((p.amount for p in payouts), ZERO)
    frozen = {str(pk) for pk in Promoter.objects.filter(pk__in={int(p.promoter) for p in payouts},
                                                        frozen_at__isnull=False).values_list("pk", flat=True)}
    lines = [(account_for(K.COMMISSION_EXPENSE), total)]
    snapshots = {}
    for payout in payouts:
        rate = effective_rate(payout.amount, base_total)
        snapshots[len(lines)] = CommissionSnapshot(
            order_ref=key, order_line_ref=None, plan_id=version.plan_key, plan_version=version.version or 0,
            rule=payout.rule, rate=rate, base=base_total)
        kind = K.PROMOTER_PENDING if payout.promoter in frozen else K.PROMOTER_AVAILABLE
        lines.append((account_for(kind, Promoter(pk=int(payout.promoter))), -payout.amount))
    entry = journal_post(kind=JournalEntry.Kind.PERIOD_COMMISSION, key=key, lines=lines, snapshots=snapshots,
                         memo=f"{community.code} {period} 月度奖励")
    now = timezone.now()
    Commission.objects.bulk_create([
        Commission(period=period, community=community, promoter_id=int(p.promoter), rule=p.rule,
                   plan_version=version, base=base_total, rate=effective_rate(p.amount, base_total),
                   accrued_amount=p.amount, amount=p.amount,
                   **({"status": Commission.Status.PENDING, "due_at": now} if p.promoter in frozen else
                      {"status": Commission.Status.AVAILABLE, "settled_amount": p.amount, "settled_at": now}))
        for p in payouts])
    return entry
