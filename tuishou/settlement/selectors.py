"""Reads for settlement: a promoter's commissions and withdrawable balance, a merchant's statement
(对账单), and the operator's views of commissions, receivables and period settlements."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import CharField, Count, F, Q, QuerySet, Sum, Value
from django.utils import timezone

from tuishou.accounts.permissions import is_operator, require_operator, require_user
from tuishou.core.errors import NotFound, PermissionDenied
from tuishou.ledger.models import Account
from tuishou.merchants.errors import MerchantError
from tuishou.merchants.models import Merchant
from tuishou.merchants.selectors import merchant_staff_role
from tuishou.network.models import Promoter
from tuishou.settlement.models import Commission, MerchantReceivable, PeriodSettlement

ZERO = Decimal("0.00")
FINANCE_ROLES = ("finance", "customer_service")


def _account_amount(kind: str, **owner) -> Decimal:
    account = Account.objects.filter(kind=kind, **owner).first()
    return account.amount if account is not None else ZERO


def promoter_withdrawable(promoter: Promoter) -> Decimal:
    """What the promoter may withdraw now (可提现): the available balance, 0 while it is negative.

    A clawback after settlement can leave the balance negative (负余额); that debt is carried, and blocks
    withdrawals until later commissions cover it.
    """
    return max(_account_amount(Account.Kind.PROMOTER_AVAILABLE, promoter=promoter), ZERO)


@dataclass(frozen=True)
class CommissionSummary:
    """A promoter's commission balances as the ledger holds them (available may be negative)."""

    pending: Decimal
    available: Decimal
    withdrawable: Decimal


def promoter_commission_summary(promoter: Promoter) -> CommissionSummary:
    """Pending (inside the freeze) and available balances, and what may be withdrawn."""
    available = _account_amount(Account.Kind.PROMOTER_AVAILABLE, promoter=promoter)
    return CommissionSummary(pending=_account_amount(Account.Kind.PROMOTER_PENDING, promoter=promoter),
                             available=available, withdrawable=max(available, ZERO))


def commissions_for_operator(*, actor, status: str | None = None, due_before: datetime | None = None,
                             promoter_id: int | None = None, order_id: int | None = None, period: str = "",
                             limit: int = 100, offset: int = 0) -> list[Commission]:
    """Every commission, filtered, newest first (finance and customer service)."""
    require_operator(actor, *FINANCE_ROLES)
    rows = commissions_filtered(status=status, due_before=due_before, promoter_id=promoter_id, order_id=order_id,
                                period=period)
    return list(rows.select_related("order", "plan_version").order_by("-id")[offset:offset + limit])


def commissions_filtered(*, status: str | None = None, due_before: datetime | None = None,
                         promoter_id: int | None = None, order_id: int | None = None, period: str = "") -> QuerySet:
    rows = Commission.objects.all()
    if status:
        rows = rows.filter(status=status)
    if due_before is not None:
        rows = rows.filter(due_at__lte=due_before)
    if promoter_id is not None:
        rows = rows.filter(promoter_id=promoter_id)
    if order_id is not None:
        rows = rows.filter(order_id=order_id)
    if period:
        rows = rows.filter(period=period)
    return rows


def _merchant_for(actor, merchant_id: int) -> Merchant:
    """The merchant, if the actor works for it or is finance or customer service staff."""
    require_user(actor)
    merchant = Merchant.objects.filter(pk=merchant_id).first()
    if merchant is None:
        raise NotFound(MerchantError.MERCHANT_UNKNOWN, merchant_id=merchant_id)
    if merchant_staff_role(user=actor, merchant_id=merchant_id) is None and not is_operator(actor, *FINANCE_ROLES):
        raise PermissionDenied(MerchantError.NOT_STAFF,
                               details={"merchant_id": merchant_id})
    return merchant


@dataclass(frozen=True)
class MerchantStatement:
    """A merchant's settlement statement (结算对账单): one row per order and the totals."""

    merchant: Merchant
    rows: list[MerchantReceivable]
    totals: dict[str, Decimal]
    balances: dict[str, Decimal]


def merchant_statement(*, actor, merchant_id: int, status: str | None = None, limit: int = 100,
                       offset: int = 0) -> MerchantStatement:
    """The statement of a merchant: per order what was paid, B, the fee, refunds, the net owed and its status;
    totals over every order (of that status); balances pending and settled as the ledger holds them.

    Open to the merchant's staff and to finance and customer-service operators.
    """
    merchant = _merchant_for(actor, merchant_id)
    rows = MerchantReceivable.objects.filter(merchant=merchant).select_related("order")
    if status:
        rows = rows.filter(status=status)
    sums = rows.aggregate(paid=Sum("paid_amount"), refunded=Sum("refunded_amount"), base=Sum("commission_base"),
                          fee=Sum("fee"), net=Sum("net"), orders=Count("id"))
    totals = {name: (sums[name] if sums[name] is not None else ZERO) for name in ("paid", "refunded", "base", "fee",
                                                                                   "net")}
    totals["orders"] = Decimal(sums["orders"])
    balances = {"pending": _account_amount(Account.Kind.MERCHANT_PENDING, merchant=merchant),
                "settled": _account_amount(Account.Kind.MERCHANT_PAYABLE, merchant=merchant)}
    return MerchantStatement(merchant=merchant, rows=list(rows.order_by("-id")[offset:offset + limit]),
                             totals=totals, balances=balances)


def receivables_for_operator(*, actor, status: str | None = None, merchant_id: int | None = None,
                             due_before: datetime | None = None, limit: int = 100,
                             offset: int = 0) -> list[MerchantReceivable]:
    """Every merchant receivable, filtered, newest first."""
    require_operator(actor, *FINANCE_ROLES)
    rows = MerchantReceivable.objects.select_related("order", "merchant")
    if status:
        rows = rows.filter(status=status)
    if merchant_id is not None:
        rows = rows.filter(merchant_id=merchant_id)
    if due_before is not None:
        rows = rows.filter(due_at__lte=due_before)
    return list(rows.order_by("-id")[offset:offset + limit])


def period_settlements(*, actor, period: str = "") -> list[PeriodSettlement]:
    """The period settlements booked, newest month first."""
    require_operator(actor, *FINANCE_ROLES)
    rows = PeriodSettlement.objects.select_related("community", "plan_version")
    if period:
        rows = rows.filter(period=period)
    return list(rows)


# --- the promoter centre ---------------------------------------------------------------------------------------

def promoter_commissions_query(*, promoter: Promoter, status: str | None = None) -> QuerySet[Commission]:
    """The promoter's commissions newest first, with the order and the plan version that paid each, for a
    paginated list (佣金明细). ``status`` is one of ``Commission.Status`` or empty for all."""
    rows = Commission.objects.filter(promoter=promoter).select_related("order", "plan_version")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-id")


@dataclass(frozen=True)
class CommissionSource:
    """Commissions a promoter earns outside the platform's own orders (coupon goods), registered by their app at
    start-up: ``rows(promoter, status)`` gives the source's rows, with the same statuses as ``Commission.Status``;
    ``at`` names the row's time the list is sorted and dated by (the coupon order's ``paid_at``: when the buyer
    paid on the external platform, not when its report was imported); ``load(ids)`` gives the rows of a page by id.
    """

    name: str
    rows: Callable[[Promoter, str | None], QuerySet]
    load: Callable[[list[int]], dict[int, object]]
    at: str = "created_at"


COMMISSION_SOURCES: list[CommissionSource] = []
ORDER_SOURCE = "order"


def _source_rows(rows: QuerySet, name: str, at: str) -> QuerySet:
    """``{"id", "at", "source"}`` rows of one source, ``at`` its time (``at`` names a field, or a path)."""
    return (rows.order_by().annotate(source=Value(name, output_field=CharField()), at=F(at))
            .values("id", "at", "source"))


def promoter_all_commissions_query(*, promoter: Promoter, status: str | None = None,
                                   order_id: int | None = None) -> QuerySet:
    """Every commission of the promoter, of every source (orders, period bonuses, coupon goods), newest first by
    when each was earned (an order or period commission's booking, a coupon order's payment), as
    ``{"id", "at", "source"}`` rows to paginate; ``commission_rows_loaded`` turns a page into objects.
    ``order_id`` keeps the commissions of that platform order only."""
    rows = Commission.objects.filter(promoter=promoter)
    if status:
        rows = rows.filter(status=status)
    if order_id is not None:
        rows = rows.filter(order_id=order_id)
    union = _source_rows(rows, ORDER_SOURCE, "created_at")
    for source in COMMISSION_SOURCES if order_id is None else ():
        union = union.union(_source_rows(source.rows(promoter, status), source.name, source.at), all=True)
    return union.order_by("-at", "-id")


def commission_rows_loaded(rows) -> list[tuple[str, object]]:
    """``(source, commission)`` for each row of a page of ``promoter_all_commissions_query``, in its order."""
    rows = list(rows)
    wanted: dict[str, list[int]] = {}
    for row in rows:
        wanted.setdefault(row["source"], []).append(row["id"])
    loaded = {ORDER_SOURCE: Commission.objects.select_related("order", "plan_version")
              .in_bulk(wanted.get(ORDER_SOURCE, []))}
    for source in COMMISSION_SOURCES:
        loaded[source.name] = source.load(wanted.get(source.name, [])) if source.name in wanted else {}
    return [(row["source"], loaded[row["source"]][row["id"]]) for row in rows]


@dataclass(frozen=True)
class MyCommissions:
    """A page of the promoter's commissions of every source, ``(source, row)`` each, and their balances."""

    summary: CommissionSummary
    rows: list[tuple[str, object]]


def my_commissions(*, promoter: Promoter, status: str | None = None, order_id: int | None = None, limit: int = 50,
                   offset: int = 0) -> MyCommissions:
    """My commissions (我的佣金) for the API: the rows of the centre's list (orders, periods, coupon goods, newest
    first by when earned), a page of them, with the pending and available balances."""
    query = promoter_all_commissions_query(promoter=promoter, status=status, order_id=order_id)
    return MyCommissions(summary=promoter_commission_summary(promoter),
                         rows=commission_rows_loaded(query[offset:offset + limit]))


@dataclass(frozen=True)
class Earnings:
    """What the promoter earned today and this calendar month (今日收益 / 本月收益), in the platform's time zone:
    commissions booked in the period at what they are worth now (refunds taken off, cancelled ones excluded)."""

    today: Decimal
    month: Decimal


def promoter_earnings(promoter: Promoter, *, now: datetime | None = None) -> Earnings:
    """Today's and this month's earnings of a promoter, from one aggregate over their commissions."""
    local = timezone.localtime(now or timezone.now())
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    month_start = day_start.replace(day=1)
    rows = (Commission.objects.filter(promoter=promoter, created_at__gte=month_start)
            .exclude(status=Commission.Status.CANCELLED)
            .aggregate(today=Sum("amount", filter=Q(created_at__gte=day_start)), month=Sum("amount")))
    return Earnings(today=rows["today"] if rows["today"] is not None else ZERO,
                    month=rows["month"] if rows["month"] is not None else ZERO)
