"""API routes for settlement (``/api/v1/settlement/…``): my commissions (promoter), a merchant's statement
(merchant staff, finance), and the operator's views of commissions, receivables and period settlements."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from tuishou.accounts.permissions import require_user
from tuishou.core.api_roles import CUSTOMER_SERVICE, FINANCE, MERCHANT_STAFF, PROMOTER, allowed
from tuishou.core.inputs import page_window
from tuishou.network.selectors import promoter_for_user
from tuishou.settlement import selectors, statements
from tuishou.settlement.schemas import (
    CommissionOut,
    MerchantPeriodOut,
    MyCommissionsOut,
    PeriodOut,
    ReceivableOut,
    StatementOut,
    commission_out,
    merchant_period_out,
    my_commissions_out,
    period_out,
    receivable_out,
    statement_out,
)

router = Router(tags=["settlement"])


def _page(limit: int, offset: int) -> tuple[int, int]:
    return page_window(limit, offset, most=200)  # 400 request.page_invalid below 1 or 0


def _moment(value: datetime | None) -> datetime | None:
    """A query's moment in UTC; one whose offset carries it past year 1 or 9999 raises OverflowError, answered
    400 request.bad, whether or not the database would have refused it (it need not, with bound parameters)."""
    if value is None:
        return None
    if timezone.is_naive(value):  # no offset given: the site's time zone, as the ORM would read it
        value = timezone.make_aware(value)
    return value.astimezone(UTC)


@router.get("/commissions/mine", response=MyCommissionsOut, openapi_extra=allowed(PROMOTER))
def my_commissions(request: HttpRequest, status: str | None = None, order_id: int | None = None, limit: int = 50,
                   offset: int = 0):
    """My commissions (我的佣金): pending and available balances, and every commission, of every kind (a platform
    order's, a month's team volume or pool, a coupon order's), newest first by when it was earned: the rows of
    the promoter centre's list. ``order_id`` keeps one platform order's commissions."""
    promoter = promoter_for_user(require_user(request.user))
    limit, offset = _page(limit, offset)
    return my_commissions_out(selectors.my_commissions(promoter=promoter, status=status, order_id=order_id,
                                                       limit=limit, offset=offset))


@router.get("/merchants/{merchant_id}/statement", response=StatementOut,
            openapi_extra=allowed(MERCHANT_STAFF, FINANCE, CUSTOMER_SERVICE))
def merchant_statement(request: HttpRequest, merchant_id: int, status: str | None = None, limit: int = 100,
                       offset: int = 0):
    """A merchant's settlement statement (结算对账单): per order paid, B, fee, refunds, net and status; totals."""
    limit, offset = _page(limit, offset)
    return statement_out(selectors.merchant_statement(actor=request.user, merchant_id=merchant_id, status=status,
                                                      limit=limit, offset=offset))


@router.get("/merchants/{merchant_id}/statements", response=list[MerchantPeriodOut],
            openapi_extra=allowed(MERCHANT_STAFF))
def merchant_statements(request: HttpRequest, merchant_id: int, months: int = 12):
    """A merchant's monthly statements (月度对账单), newest first: opening, sales, platform fee, commissions borne,
    refunds, withdrawals, closing — summed from its ledger lines. Merchant staff."""
    return [merchant_period_out(s) for s in statements.merchant_statements_monthly(
        actor=request.user, merchant_id=merchant_id, months=months)]


@router.get("/merchants/{merchant_id}/statements/range", response=MerchantPeriodOut,
            openapi_extra=allowed(MERCHANT_STAFF))
def merchant_statement_range(request: HttpRequest, merchant_id: int, first: date, last: date):
    """A merchant's statement from ``first`` to ``last`` (inclusive days): any settlement period. Merchant staff."""
    return merchant_period_out(statements.merchant_statement_range(actor=request.user, merchant_id=merchant_id,
                                                                   first=first, last=last))


@router.get("/merchants/{merchant_id}/statements/{period}", response=MerchantPeriodOut,
            openapi_extra=allowed(MERCHANT_STAFF))
def merchant_statement_month(request: HttpRequest, merchant_id: int, period: str):
    """A merchant's statement of one calendar month ``YYYY-MM``. Merchant staff."""
    return merchant_period_out(statements.merchant_statement_month(actor=request.user, merchant_id=merchant_id,
                                                                   period=period))


@router.get("/commissions", response=list[CommissionOut], openapi_extra=allowed(FINANCE, CUSTOMER_SERVICE))
def commissions(request: HttpRequest, status: str | None = None, due_before: datetime | None = None,
                promoter_id: int | None = None, order_id: int | None = None, period: str = "", limit: int = 100,
                offset: int = 0):
    """Every commission, filtered (finance, customer service)."""
    limit, offset = _page(limit, offset)
    rows = selectors.commissions_for_operator(actor=request.user, status=status, due_before=_moment(due_before),
                                              promoter_id=promoter_id, order_id=order_id, period=period,
                                              limit=limit, offset=offset)
    return [commission_out(row) for row in rows]


@router.get("/receivables", response=list[ReceivableOut], openapi_extra=allowed(FINANCE, CUSTOMER_SERVICE))
def receivables(request: HttpRequest, status: str | None = None, merchant_id: int | None = None,
                due_before: datetime | None = None, limit: int = 100, offset: int = 0):
    """Every merchant receivable, filtered (finance, customer service)."""
    limit, offset = _page(limit, offset)
    rows = selectors.receivables_for_operator(actor=request.user, status=status, merchant_id=merchant_id,
                                              due_before=_moment(due_before), limit=limit, offset=offset)
    return [receivable_out(row) for row in rows]


@router.get("/periods", response=list[PeriodOut], openapi_extra=allowed(FINANCE, CUSTOMER_SERVICE))
def periods(request: HttpRequest, period: str = ""):
    """Period settlements booked (team volume, pools), newest month first."""
    return [period_out(row) for row in selectors.period_settlements(actor=request.user, period=period)]
