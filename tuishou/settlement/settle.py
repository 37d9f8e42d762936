"""The settlement run (结算): due pending commissions become available, due merchant shares become payable.

A commission or a merchant's share of an order is due once its plan's freeze has passed (``due_at`` =
receipt, or completion, + ``freeze_days``) AND the platform's after-sales window after receipt has closed
with no open after-sales case on the order.

The run works in chunks of ``chunk_size`` rows, each chunk ONE transaction that locks its rows (by pk),
posts one entry per row (keys ``settle:commission:<id>`` and ``settle:merchant:<id>``) and moves the rows'
status in one update guarded by the status they were locked in. A run killed half-way has committed whole
chunks only; run again, it finds the rest, and the keys make a second posting of any row impossible.

Two ways to post a chunk, with the same result row for row (a test runs both on the same data):

* set-based, on PostgreSQL: the locked rows are read once as plain columns and posted by the ledger's
  ``journal_post_transfers`` in a few statements (entries, their two lines each and the balance moves as
  ``INSERT … SELECT`` / ``UPDATE … FROM`` over arrays), with no Python work per entry;
* per entry, on SQLite (and the reference): one ``EntryDraft`` per row through ``journal_post_many``,
  which validates each entry in Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BooleanField, F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from tuishou.core.errors import Conflict
from tuishou.ledger.models import Account, JournalEntry
from tuishou.ledger.services import EntryDraft, accounts_for_owners, journal_post_many, journal_post_transfers
from tuishou.orders.models import AfterSalesCase
from tuishou.settlement.models import Commission, MerchantReceivable, SettleAfter
from tuishou.settlement.transitions import COMMISSION_TRANSITIONS, RECEIVABLE_TRANSITIONS

K = Account.Kind
C = Commission.Status
R = MerchantReceivable.Status
# Chosen by measurement (bench/settle.py, bench/RESULTS.md): set-based, 5,000, 10,000 and 20,000 settle at the same
# rate within noise (a chunk's fixed cost, the due query and planning, is already small at 5,000; what is left is per
# row), and a bigger chunk holds its row and account locks longer (a refund of one of its orders waits ~1 s at 10,000).
CHUNK_SIZE = 10_000
ANCHORS = {SettleAfter.RECEIVED: "received_at", SettleAfter.COMPLETED: "completed_at"}


@dataclass(frozen=True)
class SettlementSummary:
    """What one run did: rows stamped with their due time, commissions and merchant shares settled."""

    as_of: datetime
    stamped: int
    commissions: int
    receivables: int


def settlement_run(*, as_of: datetime | None = None, chunk_size: int = CHUNK_SIZE,
                   set_based: bool | None = None) -> SettlementSummary:
    """Settle everything due at ``as_of`` (now): the ``tuishou settle`` command and the periodic task.

    Idempotent: a second run, or a run after one killed half-way, settles only what is still pending.
    ``set_based`` chooses how chunks are posted: set-based SQL (PostgreSQL only) or per entry; by default
    set-based on PostgreSQL.
    """
    as_of = as_of or timezone.now()
    if set_based is None:
        set_based = connection.vendor == "postgresql"
    elif set_based and connection.vendor != "postgresql":
        raise ValueError("set-based settlement needs PostgreSQL")
    stamped = due_stamp(model=Commission, chunk_size=chunk_size) + due_stamp(model=MerchantReceivable,
                                                                             chunk_size=chunk_size)
    settle_commissions = _commissions_settle_sql if set_based else _commissions_settle
    settle_receivables = _receivables_settle_sql if set_based else _receivables_settle
    commissions = _in_chunks(_due(Commission, C.PENDING, as_of), chunk_size,
                             lambda ids: settle_commissions(ids, as_of=as_of))
    receivables = _in_chunks(_due(MerchantReceivable, R.PENDING, as_of), chunk_size,
                             lambda ids: settle_receivables(ids, as_of=as_of))
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


def _settled_moves(model: type[Commission] | type[MerchantReceivable], pks: list[int], to: str, changes: dict) -> None:
    """Move the chunk's rows from pending to ``to`` in ONE update, guarded by the status read under the locks.

    The declared table allows the move; the rows are locked, so every one of them must still be pending. If
    one is not (something moved it without its lock), the chunk is refused and rolls back whole.
    """
    table = COMMISSION_TRANSITIONS if model is Commission else RECEIVABLE_TRANSITIONS
    if to not in table["pending"]:
        raise Conflict("settlement.state", f"A pending {model._meta.verbose_name} cannot become {to}.")
    moved = model.objects.filter(_pk_in(model, pks), status="pending").update(status=to, **changes)
    if moved != len(pks):
        raise Conflict("settlement.state", f"{len(pks) - moved} of {len(pks)} {model._meta.verbose_name_plural} "
                       "were no longer pending under their locks.", details={"expected": len(pks), "moved": moved})


def _commissions_settle(ids: list[int], *, as_of: datetime) -> int:
    # Lock the chunk's rows by pk (the order a refund locks them in), then re-read what is still due under the
    # locks: a refund may have cancelled a row, or an after-sales case opened, meanwhile.
    locked = list(Commission.objects.select_for_update().filter(pk__in=ids).order_by("pk")
                  .values_list("pk", "promoter_id", "amount", "rule"))
    still_due = set(_due(Commission, C.PENDING, as_of).filter(pk__in=ids).values_list("pk", flat=True))
    rows = [row for row in locked if row[0] in still_due]
    if not rows:
        return 0
    promoters = {promoter_id for _, promoter_id, _, _ in rows}
    pending = accounts_for_owners(kind=K.PROMOTER_PENDING, owner_ids=promoters)
    available = accounts_for_owners(kind=K.PROMOTER_AVAILABLE, owner_ids=promoters)
    # One entry per commission, as before: reconcile and the wallet history find each settlement by its key.
    journal_post_many(drafts=[
        EntryDraft(kind=JournalEntry.Kind.COMMISSION_SETTLED, key=f"settle:commission:{pk}",
                   lines=[(pending[promoter_id], amount), (available[promoter_id], -amount)],
                   memo=f"佣金结算 #{pk} ({rule})")
        for pk, promoter_id, amount, rule in rows])
    # Under the row locks ``amount`` is what was just posted.
    _settled_moves(Commission, [row[0] for row in rows], C.AVAILABLE,
                   {"settled_amount": F("amount"), "settled_at": timezone.now()})
    return len(rows)


def _receivables_settle(ids: list[int], *, as_of: datetime) -> int:
    locked = list(MerchantReceivable.objects.select_for_update().filter(pk__in=ids).order_by("pk")
                  .values_list("pk", "merchant_id", "net", "order_id"))
    still_due = set(_due(MerchantReceivable, R.PENDING, as_of).filter(pk__in=ids).values_list("pk", flat=True))
    rows = [row for row in locked if row[0] in still_due]
    if not rows:
        return 0
    merchants = {merchant_id for _, merchant_id, _, _ in rows}
    pending = accounts_for_owners(kind=K.MERCHANT_PENDING, owner_ids=merchants)
    payable = accounts_for_owners(kind=K.MERCHANT_PAYABLE, owner_ids=merchants)
    journal_post_many(drafts=[
        EntryDraft(kind=JournalEntry.Kind.MERCHANT_SETTLED, key=f"settle:merchant:{pk}",
                   lines=[(pending[merchant_id], net), (payable[merchant_id], -net)],
                   memo=f"商家结算 订单 #{order_id}")
        for pk, merchant_id, net, order_id in rows if net])
    _settled_moves(MerchantReceivable, [row[0] for row in rows], R.SETTLED,
                   {"settled_net": F("net"), "settled_at": timezone.now()})
    return len(rows)


# --- the set-based path (PostgreSQL) ------------------------------------------------------------------------------

def _pk_in(model, pks: list[int]):
    """``pk IN pks``; on PostgreSQL as ONE array parameter (``= ANY``), not one placeholder per pk, with the
    chunk's pk range beside it so that the planner walks the pk index instead of scanning the table."""
    if connection.vendor != "postgresql":
        return Q(pk__in=pks)
    quote = connection.ops.quote_name
    column = f"{quote(model._meta.db_table)}.{quote(model._meta.pk.column)}"
    return RawSQL(f"({column} BETWEEN %s AND %s AND {column} = ANY(%s::bigint[]))", [min(pks), max(pks), list(pks)],
                  output_field=BooleanField())


def _locked_due(model, ids: list[int], as_of: datetime, fields: tuple[str, ...]) -> list[tuple]:
    """Lock the chunk's rows by pk, then read, as plain column values, those still due under the locks.

    The same locks and the same due condition as the per-entry path (a refund may have cancelled a row, or
    an after-sales case opened, before the lock was ours); money columns come back as integer minor units.
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    due = (_due(model, "pending", as_of).filter(_pk_in(model, ids)).order_by("pk").values_list(*fields))
    query, params = due.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM (SELECT id FROM {table} WHERE id BETWEEN %s AND %s "
                       "AND id = ANY(%s::bigint[]) ORDER BY id FOR UPDATE) AS locked", [min(ids), max(ids), ids])
        cursor.execute(query, params)
        return cursor.fetchall()


def _commissions_settle_sql(ids: list[int], *, as_of: datetime) -> int:
    """Settle a chunk of commissions set-based: the same entries, lines, balances and status as
    ``_commissions_settle``, in a handful of statements whatever the chunk's size."""
    rows = _locked_due(Commission, ids, as_of, ("pk", "promoter_id", "amount", "rule"))
    if not rows:
        return 0
    pks = [row[0] for row in rows]
    # Each entry's two lines are the row's amount on pending and its negation on available: balanced by
    # construction (the ledger still asserts it in SQL), and a zero amount is refused like a zero line.
    journal_post_transfers(kind=JournalEntry.Kind.COMMISSION_SETTLED, debit_kind=K.PROMOTER_PENDING,
                           credit_kind=K.PROMOTER_AVAILABLE, keys=[f"settle:commission:{pk}" for pk in pks],
                           memos=[f"佣金结算 #{pk} ({rule})" for pk, _, _, rule in rows],
                           owner_ids=[row[1] for row in rows], amounts=[row[2] for row in rows])
    _settled_moves(Commission, pks, C.AVAILABLE, {"settled_amount": F("amount"), "settled_at": timezone.now()})
    return len(rows)


def _receivables_settle_sql(ids: list[int], *, as_of: datetime) -> int:
    """Settle a chunk of merchant shares set-based, like ``_receivables_settle`` (a share of zero moves
    its status and posts nothing)."""
    rows = _locked_due(MerchantReceivable, ids, as_of, ("pk", "merchant_id", "net", "order_id"))
    if not rows:
        return 0
    posted = [row for row in rows if row[2]]
    journal_post_transfers(kind=JournalEntry.Kind.MERCHANT_SETTLED, debit_kind=K.MERCHANT_PENDING,
                           credit_kind=K.MERCHANT_PAYABLE, keys=[f"settle:merchant:{pk}" for pk, *_ in posted],
                           memos=[f"商家结算 订单 #{order_id}" for *_, order_id in posted],
                           owner_ids=[row[1] for row in posted], amounts=[row[2] for row in posted])
    _settled_moves(MerchantReceivable, [row[0] for row in rows], R.SETTLED,
                   {"settled_net": F("net"), "settled_at": timezone.now()})
    return len(rows)
