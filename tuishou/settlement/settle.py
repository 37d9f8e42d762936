"""The settlement run (结算): due pending commissions become available, due merchant shares become payable.

A commission or a merchant's share of an order is due once its plan's freeze has passed (``due_at`` =
receipt, or completion, + ``freeze_days``) AND the platform's after-sales window after receipt has closed
with no open after-sales case on the order.

The run works in chunks of ``chunk_size`` rows, each chunk ONE transaction that locks its rows (by pk),
posts one entry per row (keys ``settle:commission:<id>`` and ``settle:merchant:<id>``) and moves the rows'
status in one update guarded by the status they were locked in. A run killed half-way has committed whole
chunks only; run again, it finds the rest, and the keys make a second posting of any row impossible.

Two ways to post a chunk, with the same result row for row (a test runs both on the same data):

* set-based, on PostgreSQL: a chunk locks its candidates (pending, past due) by pk in pk order (one
  ``SELECT … LIMIT … FOR UPDATE``), moves those due under the locks with ONE ``UPDATE … RETURNING`` (a new
  statement, so it sees everything committed before the locks were granted) and posts exactly the rows it
  returned through the ledger's ``journal_post_transfers`` (entries, their two lines each and the balance
  moves as ``INSERT … SELECT`` / ``UPDATE … FROM`` over arrays), with no Python work per entry;
* per entry, on SQLite (and the reference): one ``EntryDraft`` per row through ``journal_post_many``,
  which validates each entry in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BooleanField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from tuishou.core import events
from tuishou.core.transitions import PIPELINES, transition_many
from tuishou.ledger.models import Account, JournalEntry
from tuishou.ledger.services import EntryDraft, accounts_for_owners, journal_post_many, journal_post_transfers
from tuishou.network.models import Promoter
from tuishou.orders.models import AfterSalesCase, Order
from tuishou.risk.selectors import held_orders
from tuishou.settlement.models import Commission, MerchantReceivable, SettleAfter

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
    walk = _in_claimed_chunks if set_based else _in_chunks
    commissions = walk(COMMISSIONS, _due(Commission, C.PENDING, as_of), chunk_size, as_of)
    receivables = walk(RECEIVABLES, _due(MerchantReceivable, R.PENDING, as_of), chunk_size, as_of)
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
    """Rows due at ``as_of``: freeze passed, after-sales window closed, no open after-sales case; and for a
    commission, its promoter not frozen by an operator (冻结: held, booked but not settled, until unfrozen) and
    its order under no open risk flag (风控: held until an operator clears or rejects the flag). A period
    commission held because its promoter was frozen when the month was booked (``settlement.periods``) has no
    order: it is due from its booking on, once its promoter is no longer frozen."""
    window_closed = as_of - timedelta(days=settings.TUISHOU["AFTER_SALES_DAYS"])
    open_cases = AfterSalesCase.objects.filter(status__in=AfterSalesCase.OPEN_STATUSES).values("order_id")
    # EXISTS rather than a join to the order: the set-based chunk's UPDATE uses this condition on the row it
    # updates, without joining the table to itself.
    received = Q(Exists(Order.objects.filter(pk=OuterRef("order_id"), received_at__lte=window_closed)))
    if model is Commission:
        received |= Q(order__isnull=True)
    due = model.objects.filter(received, status=status, due_at__lte=as_of).exclude(order_id__in=open_cases)
    if model is Commission:
        due = (due.exclude(promoter_id__in=Promoter.objects.filter(frozen_at__isnull=False).values("pk"))
               .exclude(order_id__in=held_orders()))
    return due


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _in_chunks(spec: _Settles, due: QuerySet, chunk_size: int, as_of: datetime) -> int:
    """Walk the due rows by pk, one chunk per transaction, posting per entry; return how many were settled."""
    done, after_pk = 0, 0
    while True:
        ids = list(due.filter(pk__gt=after_pk).order_by("pk").values_list("pk", flat=True)[:chunk_size])
        if not ids:
            return done
        with transaction.atomic():
            done += _chunk_settle(spec, ids, as_of=as_of)
        after_pk = ids[-1]


def _settled_moves(model: type[Commission] | type[MerchantReceivable], pks: list[int], to: str, changes: dict) -> None:
    """Move the chunk's rows from pending to ``to`` in ONE update, guarded by the status read under the locks.

    The declared table allows the move; the rows are locked, so every one of them must still be pending. If
    one is not (something moved it without its lock), the chunk is refused and rolls back whole.
    """
    transition_many(model, pks=pks, current="pending", to=to, where=_pk_in(model, pks), changes=changes)


@dataclass(frozen=True)
class _Settles:
    """What settling one kind of row means: which rows, which entry, between which accounts, to which status.

    Each settled row moves its amount from the owner's ``debit_kind`` account to their ``credit_kind`` account in
    one entry keyed ``settle:<key_prefix>:<pk>``; a row of zero moves its status and posts nothing.
    """

    model: type[Commission] | type[MerchantReceivable]
    owner_field: str
    amount_field: str
    memo: Callable[[tuple], str]  # from the row (pk, owner_id, amount, memo_value)
    memo_field: str
    entry_kind: str
    debit_kind: str
    credit_kind: str
    key_prefix: str
    settled_status: str
    settled_amount_field: str

    @property
    def fields(self) -> tuple[str, ...]:
        return ("pk", self.owner_field, self.amount_field, self.memo_field)

    def key(self, pk: int) -> str:
        return f"settle:{self.key_prefix}:{pk}"

    def settled_changes(self) -> dict:
        # Under the row locks the amount column is what was just posted.
        return {self.settled_amount_field: F(self.amount_field), "settled_at": timezone.now()}


COMMISSIONS = _Settles(
    model=Commission, owner_field="promoter_id", amount_field="amount", memo_field="rule",
    memo=lambda row: f"佣金结算 #{row[0]} ({row[3]})", entry_kind=JournalEntry.Kind.COMMISSION_SETTLED,
    debit_kind=K.PROMOTER_PENDING, credit_kind=K.PROMOTER_AVAILABLE, key_prefix="commission",
    settled_status=C.AVAILABLE, settled_amount_field="settled_amount")
RECEIVABLES = _Settles(
    model=MerchantReceivable, owner_field="merchant_id", amount_field="net", memo_field="order_id",
    memo=lambda row: f"商家结算 订单 #{row[3]}", entry_kind=JournalEntry.Kind.MERCHANT_SETTLED,
    debit_kind=K.MERCHANT_PENDING, credit_kind=K.MERCHANT_PAYABLE, key_prefix="merchant",
    settled_status=R.SETTLED, settled_amount_field="settled_net")


def _chunk_settle(spec: _Settles, ids: list[int], *, as_of: datetime) -> int:
    """Settle a chunk per entry (SQLite, and the reference): one ``EntryDraft`` per row through
    ``journal_post_many``, then one guarded status move."""
    # Lock the chunk's rows by pk (the order a refund locks them in), then re-read what is still due under the
    # locks: a refund may have cancelled a row, or an after-sales case opened, meanwhile.
    locked = list(spec.model.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list(*spec.fields))
    still_due = set(_due(spec.model, "pending", as_of).filter(pk__in=ids).values_list("pk", flat=True))
    rows = [row for row in locked if row[0] in still_due]
    if not rows:
        return 0
    owners = {row[1] for row in rows}
    debit = accounts_for_owners(kind=spec.debit_kind, owner_ids=owners)
    credit = accounts_for_owners(kind=spec.credit_kind, owner_ids=owners)
    # One entry per row: reconcile and the wallet history find each settlement by its key.
    journal_post_many(drafts=[
        EntryDraft(kind=spec.entry_kind, key=spec.key(row[0]), memo=spec.memo(row),
                   lines=[(debit[row[1]], row[2]), (credit[row[1]], -row[2])])
        for row in rows if row[2]])
    _settled_moves(spec.model, [row[0] for row in rows], spec.settled_status, spec.settled_changes())
    _settled_publish(spec, rows)
    return len(rows)


def _settled_publish(spec: _Settles, rows: list[tuple]) -> None:
    """Tell promoters (after commit) which of their commissions became available."""
    if spec.model is Commission:
        events.publish("commission.settled", commission_ids=[row[0] for row in rows if row[2]])


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


def _in_claimed_chunks(spec: _Settles, due: QuerySet, chunk_size: int, as_of: datetime) -> int:
    """Walk the due rows by pk set-based, one chunk per transaction; return how many were settled.

    A chunk locks the next ``chunk_size`` candidates by pk (pending, ``due_at`` passed) in ONE ``SELECT … ORDER BY
    pk LIMIT … FOR UPDATE``: one walk of the pk index that stops at the chunk's end, the rows locked in pk order as
    it goes. The full due condition (after-sales, frozen promoters, risk holds) is applied once, under the locks, by
    the chunk's status move; a candidate that is not due stays pending, and the next chunk starts after it.
    """
    done, after_pk = 0, 0
    candidates = spec.model.objects.filter(status="pending", due_at__lte=as_of).order_by("pk")
    while True:
        with transaction.atomic():
            locked = list(candidates.filter(pk__gt=after_pk).select_for_update(of=("self",))
                          .values_list("pk", flat=True)[:chunk_size])
            if not locked:
                return done
            done += _chunk_settle_sql(spec, due, locked, as_of=as_of)
        after_pk = locked[-1]


def _claimed_moves(spec: _Settles, due: QuerySet, locked: list[int]) -> list[tuple]:
    """Move the locked rows that are still due from pending to settled in ONE ``UPDATE … RETURNING``; return
    them as ``spec.fields`` tuples (money as integer minor units), by pk.

    The UPDATE is a new statement, so its snapshot sees everything committed before the chunk's locks were
    granted: the same due condition re-read under the locks as the per-entry path (a refund may have cancelled
    a row, an after-sales case opened, a promoter been frozen). The declared table allows the move; the rows it
    returns are exactly the ones posted.
    """
    model = spec.model
    PIPELINES[model].check(current="pending", to=spec.settled_status)
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    query = due.filter(_pk_in(model, locked)).query
    joined = [alias for alias, uses in query.alias_refcount.items() if uses and alias != model._meta.db_table]
    assert not joined, f"the due condition must read the updated row without a join, not through {joined}"
    still_due, params = query.get_compiler(connection=connection).compile(query.where)
    column = {name: quote(model._meta.get_field(name).column) for name in
              (spec.owner_field, spec.amount_field, spec.memo_field, spec.settled_amount_field)}
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, {column[spec.settled_amount_field]} = {column[spec.amount_field]}, "
            "settled_at = COALESCE(settled_at, %s) "
            f"WHERE {still_due} "
            f"RETURNING {pk}, {column[spec.owner_field]}, {column[spec.amount_field]}, {column[spec.memo_field]}",
            [spec.settled_status, timezone.now(), *params])
        return sorted(cursor.fetchall())


def _chunk_settle_sql(spec: _Settles, due: QuerySet, locked: list[int], *, as_of: datetime) -> int:
    """Settle a chunk set-based: the same entries, lines, balances and statuses as ``_chunk_settle``, in a
    handful of statements whatever the chunk's size. ``locked``: the chunk's rows, locked by pk."""
    rows = _claimed_moves(spec, due, locked)
    if not rows:
        return 0
    posted = [row for row in rows if row[2]]
    # Each entry's two lines are the row's amount on the debit account and its negation on the credit account:
    # balanced by construction (the ledger still asserts it in SQL).
    journal_post_transfers(kind=spec.entry_kind, debit_kind=spec.debit_kind, credit_kind=spec.credit_kind,
                           keys=[spec.key(row[0]) for row in posted], memos=[spec.memo(row) for row in posted],
                           owner_ids=[row[1] for row in posted], amounts=[row[2] for row in posted])
    _settled_publish(spec, rows)
    return len(rows)
