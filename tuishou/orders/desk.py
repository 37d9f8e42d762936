"""Reads of the desk pages (工作台): a merchant's orders to ship and its after-sales queue with the SLA countdown,
and customer service's queue of escalated cases and SLA breaches (客服介入).

Each read is scoped here, not in the view: a merchant's staff read only their merchant's orders and cases, and
another merchant's order or case is ``orders.order_unknown`` / ``orders.after_sales_unknown`` (404), exactly
as one that does not exist. What the merchant sees of the buyer is what fulfilment needs: the recipient's
name, phone and address as typed at checkout (the buyer's account, other orders, and promoter are not shown);
lists show the phone masked (``138****5678``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from tuishou.accounts.models import OperatorRole
from tuishou.accounts.permissions import require_operator
from tuishou.core.errors import InvalidInput, NotFound
from tuishou.merchants.selectors import require_merchant_staff
from tuishou.orders.errors import OrderError
from tuishou.orders.models import AfterSalesCase, AfterSalesStatusChange, Order, OrderLine, OrderStatusChange

S = Order.Status
A = AfterSalesCase.Status

# The merchant's order tabs (待发货 / 已发货 / 已收货 / 已完成 / 退款 / 待付款 / 已取消) → the statuses each shows.
MERCHANT_TABS: dict[str, tuple[str, ...]] = {
    "to_ship": (S.PAID,),
    "shipped": (S.SHIPPED,),
    "received": (S.RECEIVED,),
    "completed": (S.COMPLETED,),
    "refunds": (S.REFUNDING, S.REFUNDED),
    "unpaid": (S.CREATED,),
    "cancelled": (S.CANCELLED,),
    "all": (),
}
# The merchant's after-sales tabs: to answer (待处理), waiting for the return (待退货), escalated, done.
CASE_TABS: dict[str, tuple[str, ...]] = {
    "to_answer": (A.OPEN,),
    "returns": (A.ACCEPTED, A.RETURN_SHIPPED),
    "escalated": (A.ESCALATED,),
    "rejected": (A.REJECTED,),
    "done": (A.REFUNDING, A.REFUNDED, A.CLOSED),
    "all": (),
}
# Statuses in which the merchant still needs the recipient's full phone and address (to ship, or to handle
# a return); after that the desk shows them masked.
FULFILMENT_STATUSES = (S.PAID, S.SHIPPED, S.REFUNDING)


def masked_phone(phone: str) -> str:
    """``138****5678``: what a list shows of the recipient's phone."""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


def masked_name(name: str) -> str:
    """``王*明``: the recipient's name once fulfilment no longer needs it."""
    if len(name) <= 1:
        return "*"
    return name[0] + "*" * max(len(name) - 2, 1) + (name[-1] if len(name) > 2 else "")


def _tab(tabs: dict, tab: str) -> tuple[str, ...]:
    if tab not in tabs:
        raise InvalidInput(OrderError.STATUS_UNKNOWN, status=tab, details={"field": "status"})
    return tabs[tab]


# ---- a merchant's orders -------------------------------------------------------------------------------------

def merchant_order_counts(*, user, merchant_id: int) -> dict[str, int]:
    """How many of the merchant's orders each tab holds (one query), for the tabs' badges."""
    require_merchant_staff(user=user, merchant_id=merchant_id)
    counts = {tab: Count("pk", filter=Q(status__in=statuses)) for tab, statuses in MERCHANT_TABS.items() if statuses}
    return Order.objects.filter(merchant_id=merchant_id).aggregate(all=Count("pk"), **counts)


def merchant_orders(*, user, merchant_id: int, tab: str = "all", search: str = "", date_from: date | None = None,
                    date_to: date | None = None) -> QuerySet[Order]:
    """The merchant's orders of one tab, for its staff, with their lines; ``search`` matches the order number
    (any part) or the recipient's phone (the whole number, or its last four digits as shown masked);
    ``date_from`` / ``date_to`` bound the day the order was placed (inclusive, local time).

    Raises ``merchants.not_staff`` (403) for anyone else, ``orders.status_unknown`` for an unknown tab.
    """
    require_merchant_staff(user=user, merchant_id=merchant_id)
    statuses = _tab(MERCHANT_TABS, tab)
    qs = (Order.objects.filter(merchant_id=merchant_id)
          .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("pk"))))
    if statuses:
        qs = qs.filter(status__in=statuses)
    qs = order_search(qs, search)
    if date_from is not None:
        qs = qs.filter(created_at__gte=_day_start(date_from))
    if date_to is not None:
        qs = qs.filter(created_at__lt=_day_start(date_to + timedelta(days=1)))
    # The list to ship reads oldest paid first: the longest-waiting buyer is shipped first.
    return qs.order_by("paid_at", "pk") if tab == "to_ship" else qs.order_by("-pk")


def order_search(qs: QuerySet[Order], search: str) -> QuerySet[Order]:
    """Orders whose number contains ``search``, or whose recipient phone is it: the whole number, its last four
    digits, or the masked form a list shows (``138****5678``)."""
    raw = re.sub(r"\s+", "", search or "")[:24]
    if not raw:
        return qs
    digits = raw.replace("*", "")
    if "*" in raw and digits.isdigit() and len(digits) == 7:
        return qs.filter(recipient_phone__startswith=digits[:3], recipient_phone__endswith=digits[3:])
    match = Q(number__icontains=raw)
    if raw.isdigit() and len(raw) == 4:
        match |= Q(recipient_phone__endswith=raw)
    elif raw.isdigit() and len(raw) == 11:
        match |= Q(recipient_phone=raw)
    return qs.filter(match)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day))


def merchant_order(*, user, merchant_id: int, number: str) -> Order:
    """One of the merchant's orders by number, with its lines, status history (oldest first) and after-sales
    cases (newest first); ``orders.order_unknown`` (404) for another merchant's or a missing one."""
    require_merchant_staff(user=user, merchant_id=merchant_id)
    order = (Order.objects.filter(merchant_id=merchant_id, number=str(number)[:24])
             .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("pk")),
                               Prefetch("status_changes", queryset=OrderStatusChange.objects.order_by("pk")),
                               Prefetch("after_sales", queryset=AfterSalesCase.objects.order_by("-pk")))
             .first())
    if order is None:
        raise NotFound(OrderError.ORDER_UNKNOWN, order_id=number, details={"number": number})
    order.recipient_visible = order.status in FULFILMENT_STATUSES or any(
        case.status in AfterSalesCase.OPEN_STATUSES for case in order.after_sales.all())
    return order


# ---- after-sales: the SLA countdown --------------------------------------------------------------------------

@dataclass(frozen=True)
class SlaLeft:
    """What is left of a case's answer time, computed on the server at ``now``."""

    seconds: int  # negative once overdue

    @property
    def overdue(self) -> bool:
        return self.seconds < 0

    @property
    def soon(self) -> bool:
        """Less than six hours left: the queue shows it in amber."""
        return 0 <= self.seconds < 6 * 3600

    @property
    def hours(self) -> int:
        return abs(self.seconds) // 3600

    @property
    def minutes(self) -> int:
        return abs(self.seconds) % 3600 // 60


def sla_left(case: AfterSalesCase, now: datetime) -> SlaLeft | None:
    """The time left to answer an open case (None once the merchant answered or it left the merchant)."""
    if case.status != A.OPEN:
        return None
    return SlaLeft(seconds=int((case.answer_due_at - now).total_seconds()))


def _cases() -> QuerySet[AfterSalesCase]:
    return AfterSalesCase.objects.select_related("order")


def _case_detail() -> QuerySet[AfterSalesCase]:
    return _cases().prefetch_related("lines__order_line", "photos",
                                     Prefetch("status_changes", queryset=AfterSalesStatusChange.objects.order_by("pk")))


def merchant_case_counts(*, user, merchant_id: int, now: datetime | None = None) -> dict[str, int]:
    """How many cases each tab holds, and ``overdue``: open cases past their deadline (one query)."""
    require_merchant_staff(user=user, merchant_id=merchant_id)
    counts = {tab: Count("pk", filter=Q(status__in=statuses)) for tab, statuses in CASE_TABS.items() if statuses}
    return AfterSalesCase.objects.filter(order__merchant_id=merchant_id).aggregate(
        all=Count("pk"), overdue=Count("pk", filter=Q(status=A.OPEN, answer_due_at__lt=now or timezone.now())),
        **counts)


def merchant_cases(*, user, merchant_id: int, tab: str = "to_answer", search: str = "",
                   overdue_only: bool = False, now: datetime | None = None) -> QuerySet[AfterSalesCase]:
    """The merchant's after-sales cases of one tab; cases to answer by their SLA deadline (the most urgent
    first), others newest first. ``search`` matches the order number; ``overdue_only`` keeps open cases past
    their deadline. Raises ``merchants.not_staff`` (403), ``orders.status_unknown``."""
    require_merchant_staff(user=user, merchant_id=merchant_id)
    statuses = _tab(CASE_TABS, tab)
    qs = _cases().filter(order__merchant_id=merchant_id)
    if statuses:
        qs = qs.filter(status__in=statuses)
    text = (search or "").strip()[:24]
    if text:
        qs = qs.filter(order__number__icontains=text)
    if overdue_only:
        qs = qs.filter(status=A.OPEN, answer_due_at__lt=now or timezone.now())
    return qs.order_by("answer_due_at", "pk") if tab == "to_answer" else qs.order_by("-pk")


def merchant_case(*, user, merchant_id: int, case_id: int) -> AfterSalesCase:
    """One of the merchant's cases with its lines, photos and history; ``orders.after_sales_unknown`` (404)
    for another merchant's or a missing one."""
    require_merchant_staff(user=user, merchant_id=merchant_id)
    case = _case_detail().filter(pk=case_id, order__merchant_id=merchant_id).first()
    if case is None:
        raise NotFound(OrderError.AFTER_SALES_UNKNOWN, case_id=case_id, details={"case_id": case_id})
    return case


# ---- customer service ----------------------------------------------------------------------------------------

SERVICE_TABS = ("escalated", "breaches", "decided")


def service_cases(*, user, tab: str = "escalated", search: str = "",
                  now: datetime | None = None) -> QuerySet[AfterSalesCase]:
    """Customer service's queue (客服介入): ``escalated`` cases to decide, oldest escalation first;
    ``breaches``: cases still open past the merchant's deadline (the escalation job has not run since),
    most overdue first; ``decided``: cases customer service decided, newest first.

    Raises ``accounts.auth_forbidden`` (403) unless the user is customer service (or admin).
    """
    require_operator(user, OperatorRole.Role.CUSTOMER_SERVICE)
    if tab not in SERVICE_TABS:
        raise InvalidInput(OrderError.STATUS_UNKNOWN, status=tab, details={"field": "status"})
    qs = _cases().select_related("order__merchant")
    text = (search or "").strip()[:24]
    if text:
        qs = qs.filter(Q(order__number__icontains=text) | Q(order__merchant__name__icontains=text))
    if tab == "escalated":
        return qs.filter(status=A.ESCALATED).order_by("escalated_at", "pk")
    if tab == "breaches":
        return qs.filter(status=A.OPEN, answer_due_at__lt=now or timezone.now()).order_by("answer_due_at", "pk")
    return qs.filter(decided_at__isnull=False).order_by("-decided_at", "-pk")


def service_case(*, user, case_id: int) -> AfterSalesCase:
    """Any case, for customer service, with its order's lines, photos and history."""
    require_operator(user, OperatorRole.Role.CUSTOMER_SERVICE)
    case = _case_detail().select_related("order__merchant").filter(pk=case_id).first()
    if case is None:
        raise NotFound(OrderError.AFTER_SALES_UNKNOWN, case_id=case_id, details={"case_id": case_id})
    return case
