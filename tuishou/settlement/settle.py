"""The settlement run (结算): due pending commissions become available, due merchant shares become payable.

A commission or a merchant's share of an order is due once its plan's freeze has passed (``due_at`` =
receipt, or completion, + ``freeze_days``) AND the platform's after-sales window after receipt has closed
with no open after-sales case on the order.

The run works in chunks of ``chunk_size`` rows, each chunk ONE transaction that locks its rows (by pk),
then the accounts it moves (by pk), posts one entry per row (keys ``settle:commission:<id>`` and
``settle:merchant:<id>``) and moves the rows' status. A run killed half-way has committed whole chunks
only; run again, it finds the rest, and the keys make a second posting of any row impossible.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from tuishou.ledger.models import Account, JournalEntry
from tuishou.ledger.services import account_for, journal_post
from tuishou.merchants.models import Merchant
from tuishou.network.models import Promoter
from tuishou.orders.models import AfterSalesCase
from tuishou.settlement.models import Commission, MerchantReceivable, SettleAfter
from tuishou.settlement.transitions import commission_transition, receivable_transition

K = Account.Kind
C = Commission.Status
R = MerchantReceivable.Status
CHUNK_SIZE = 1000
ANCHORS = {SettleAfter.RECEIVED: "received_at", SettleAfter.COMPLETED: "completed_at"}


@dataclass(frozen=True)
class SettlementSummary:
    """What one run did: rows stamped with their due time, commissions and merchant shares settled."""

    as_of: datetime
    stamped: int
    commissions: int
    receivables: int


def settlement_run(*, as_of: datetime | None = None, chunk_size: int = CHUNK_SIZE) -> SettlementSummary:
    """Settle everything due at ``as_of`` (now): the ``tuishou settle`` command and the periodic task.

    Idempotent: a second run, or a run after one killed half-way, settles only what is still pending.
    """
    as_of = as_of or timezone.now()
    stamped = due_stamp(model=Commission, chunk_size=chunk_size) + due_stamp(model=MerchantReceivable,
                                                                             chunk_size=chunk_size)
    commissions = _in_chunks(_due(Commission, C.PENDING, as_of), chunk_size,
                             lambda ids: _commissions_settle(ids, as_of=as_of))
    receivables = _in_chunks(_due(MerchantReceivable, R.PENDING, as_of), chunk_size,
                             lambda ids: _receivables_settle(ids, as_of=as_of))
    return SettlementSummary(as_of=as_of, stamped=stamped, commissions=commissions, receivables=receivables)


def due_stamp(*, model: type[Commission] | type[MerchantReceivable], chunk_size: int = CHUNK_SIZE) -> int:
    """Give pending rows whose order was received (or completed) their ``due_at``; return how many.

    Locks the rows by pk like a refund does, one chunk per transaction.
    """
    stamped = 0
    for after, anchor in ANCHORS.items():
        todo = (model.objects.filter(status="pending", due_at__isnull=True, settle_after=after,
                                     **{f"order__{anchor}__isnull": False})
                .order_by("pk").values_list("pk", flat=True))
        for ids in _chunks(list(todo), chunk_size):
            with transaction.atomic():
                rows = list(model.objects.select_for_update(of=("self",)).filter(pk__in=ids, due_at__isnull=True)
                            .select_related("order").order_by("pk"))
                for row in rows:
                    row.due_at = getattr(row.order, anchor) + timedelta(days=row.freeze_days)
                model.objects.bulk_update(rows, ["due_at"])
                stamped += len(rows)
    return stamped


def _due(model, status: str, as_of: datetime) -> QuerySet:
    """Rows due at ``as_of``: freeze passed, after-sales window closed, no open after-sales case."""
    window_closed = as_of - timedelta(days=settings.TUISHOU["AFTER_SALES_DAYS"])
    open_cases = AfterSalesCase.objects.filter(status__in=AfterSalesCase.OPEN_STATUSES).values("order_id")
    return (model.objects.filter(status=status, due_at__lte=as_of, order__received_at__lte=window_closed)
            .exclude(order_id__in=open_cases))


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _in_chunks(due: QuerySet, chunk_size: int, settle) -> int:
    """Walk the due rows by pk, one chunk per transaction; return how many were settled."""
    done, after_pk = 0, 0
    while True:
        ids = list(due.filter(pk__gt=after_pk).order_by("pk").values_list("pk", flat=True)[:chunk_size])
        if not ids:
            return done
        with transaction.atomic():
            done += settle(ids)
        after_pk = ids[-1]


def _lock_accounts(accounts: Iterable[Account]) -> None:
    """Lock every account the chunk moves, by pk and in one pass: the order ``journal_post`` locks in, so a
    refund (which locks its accounts the same way) and a settlement chunk never wait on each other in a cycle."""
    pks = sorted({account.pk for account in accounts})
    list(Account.objects.select_for_update().filter(pk__in=pks).order_by("pk").values_list("pk", flat=True))


def _commissions_settle(ids: list[int], *, as_of: datetime) -> int:
    # Re-read under the locks: a refund may have cancelled a row, or an after-sales case opened, meanwhile.
    rows = list(Commission.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    still_due = set(_due(Commission, C.PENDING, as_of).filter(pk__in=ids).values_list("pk", flat=True))
    rows = [row for row in rows if row.pk in still_due]
    accounts = {}
    for promoter_id in {row.promoter_id for row in rows}:
        owner = Promoter(pk=promoter_id)
        accounts[promoter_id] = (account_for(K.PROMOTER_PENDING, owner), account_for(K.PROMOTER_AVAILABLE, owner))
    _lock_accounts(account for pair in accounts.values() for account in pair)
    now = timezone.now()
    for row in rows:
        pending, available = accounts[row.promoter_id]
        journal_post(kind=JournalEntry.Kind.COMMISSION_SETTLED, key=f"settle:commission:{row.pk}",
                     lines=[(pending, row.amount), (available, -row.amount)],
                     memo=f"佣金结算 #{row.pk} ({row.rule})")
        commission_transition(commission=row, to=C.AVAILABLE, settled_amount=row.amount, settled_at=now)
    return len(rows)


def _receivables_settle(ids: list[int], *, as_of: datetime) -> int:
    rows = list(MerchantReceivable.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    still_due = set(_due(MerchantReceivable, R.PENDING, as_of).filter(pk__in=ids).values_list("pk", flat=True))
    rows = [row for row in rows if row.pk in still_due]
    accounts = {}
    for merchant_id in {row.merchant_id for row in rows}:
        owner = Merchant(pk=merchant_id)
        accounts[merchant_id] = (account_for(K.MERCHANT_PENDING, owner), account_for(K.MERCHANT_PAYABLE, owner))
    _lock_accounts(account for pair in accounts.values() for account in pair)
    now = timezone.now()
    for row in rows:
        pending, payable = accounts[row.merchant_id]
        if row.net:
            journal_post(kind=JournalEntry.Kind.MERCHANT_SETTLED, key=f"settle:merchant:{row.pk}",
                         lines=[(pending, row.net), (payable, -row.net)],
                         memo=f"商家结算 订单 #{row.order_id}")
        receivable_transition(receivable=row, to=R.SETTLED, settled_net=row.net, settled_at=now)
    return len(rows)
