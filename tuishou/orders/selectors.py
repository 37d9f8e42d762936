"""Reads for orders: a buyer's orders and cases, a merchant's, a promoter's customers', customer service's queue."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum

from tuishou.accounts.models import OperatorRole
from tuishou.accounts.permissions import require_operator, require_user
from tuishou.core.errors import InvalidInput, NotFound
from tuishou.merchants.selectors import require_merchant_staff
from tuishou.network.selectors import promoter_for_user
from tuishou.orders.errors import OrderError
from tuishou.orders.models import Address, AfterSalesCase, CartLine, Checkout, Order, OrderLine, OrderStatusChange


def _status_filter(qs: QuerySet, status: str | None, choices) -> QuerySet:
    if status:
        if status not in choices:
            raise InvalidInput(OrderError.STATUS_UNKNOWN, status=status, details={"field": "status"})
        qs = qs.filter(status=status)
    return qs


def _orders() -> QuerySet[Order]:
    return (Order.objects.select_related("merchant")
            .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("pk"))))


def addresses_for_user(*, user) -> QuerySet[Address]:
    return Address.objects.filter(user_id=user.pk)


def cart_for_user(*, user) -> QuerySet[CartLine]:
    return CartLine.objects.filter(user_id=user.pk).select_related("sku__product").order_by("pk")


def checkout_get(*, buyer, checkout_id: int) -> Checkout:
    """The buyer's checkout; ``orders.checkout_unknown`` (another buyer's is unknown too)."""
    checkout = Checkout.objects.filter(pk=checkout_id, buyer_id=getattr(buyer, "pk", None)).first()
    if checkout is None:
        raise NotFound(OrderError.CHECKOUT_UNKNOWN, checkout_id=checkout_id,
                       details={"checkout_id": checkout_id})
    return checkout


def orders_for_buyer(*, buyer, status: str | None = None) -> QuerySet[Order]:
    """The buyer's orders, newest first (我的订单)."""
    require_user(buyer)
    return _status_filter(_orders().filter(buyer_id=buyer.pk), status, Order.Status.values).order_by("-pk")


def order_for_buyer(*, buyer, order_id: int) -> Order:
    """One of the buyer's orders; ``orders.order_unknown`` (404) for someone else's too."""
    order = _orders().filter(pk=order_id, buyer_id=getattr(buyer, "pk", None)).first()
    if order is None:
        raise NotFound(OrderError.ORDER_UNKNOWN, order_id=order_id, details={"order_id": order_id})
    return order


def orders_for_merchant(*, user, merchant_id: int, status: str | None = None) -> QuerySet[Order]:
    """A merchant's orders for its staff; ``status=paid`` is the list to ship (待发货), oldest first."""
    require_merchant_staff(user=user, merchant_id=merchant_id)
    qs = _status_filter(_orders().filter(merchant_id=merchant_id), status, Order.Status.values)
    return qs.order_by("pk") if status == Order.Status.PAID else qs.order_by("-pk")


def orders_for_promoter(*, user, status: str | None = None) -> QuerySet[Order]:
    """Orders credited to the signed-in promoter (my customers' orders), newest first."""
    promoter = promoter_for_user(user)
    return _status_filter(_orders().filter(promoter_id=promoter.pk), status, Order.Status.values).order_by("-pk")


def _cases() -> QuerySet[AfterSalesCase]:
    return AfterSalesCase.objects.select_related("order").prefetch_related("lines", "photos")


def aftersales_for_buyer(*, buyer) -> QuerySet[AfterSalesCase]:
    require_user(buyer)
    return _cases().filter(order__buyer_id=buyer.pk).order_by("-pk")


def aftersales_for_merchant(*, user, merchant_id: int, status: str | None = None) -> QuerySet[AfterSalesCase]:
    """A merchant's cases; open ones first by their SLA deadline when ``status=open``."""
    require_merchant_staff(user=user, merchant_id=merchant_id)
    qs = _status_filter(_cases().filter(order__merchant_id=merchant_id), status, AfterSalesCase.Status.values)
    return qs.order_by("answer_due_at", "pk") if status == AfterSalesCase.Status.OPEN else qs.order_by("-pk")


def aftersales_for_promoter(*, user) -> QuerySet[AfterSalesCase]:
    """After-sales cases of the orders credited to the signed-in promoter (their customers' 售后)."""
    promoter = promoter_for_user(user)
    return _cases().filter(order__promoter_id=promoter.pk).order_by("-pk")


def aftersales_escalated(*, user) -> QuerySet[AfterSalesCase]:
    """Customer service's queue (客服介入): escalated cases, oldest escalation first."""
    require_operator(user, OperatorRole.Role.CUSTOMER_SERVICE)
    return _cases().filter(status=AfterSalesCase.Status.ESCALATED).order_by("escalated_at", "pk")


def link_order_counts(*, link_id: int) -> tuple[int, int]:
    """Orders a share link brought, in one query: (placed with its share code, led to through the binding it
    created without its code at checkout). An order placed with the code whose binding is the link's own
    counts once, as placed with the code."""
    through_binding = Q(binding_link_id=link_id) & ~Q(share_link_id=link_id)
    row = Order.objects.filter(Q(share_link_id=link_id) | Q(binding_link_id=link_id)).aggregate(
        with_code=Count("pk", filter=Q(share_link_id=link_id)), through_binding=Count("pk", filter=through_binding))
    return row["with_code"], row["through_binding"]


# ---- the buyer's pages ---------------------------------------------------------------------------------------

S = Order.Status
# My orders' tabs (我的订单: 全部 / 待付款 / 待发货 / 待收货 / 已完成 / 售后) → the statuses each shows.
BUYER_TABS: dict[str, tuple[str, ...]] = {
    "all": (),
    "unpaid": (S.CREATED,),
    "to_ship": (S.PAID,),
    "to_receive": (S.SHIPPED,),
    "done": (S.RECEIVED, S.COMPLETED),
    "after_sales": (S.REFUNDING, S.REFUNDED),
}


def orders_for_buyer_tab(*, buyer, tab: str = "all") -> QuerySet[Order]:
    """The buyer's orders of one tab of 我的订单, newest first (an unknown tab is ``orders.status_unknown``)."""
    require_user(buyer)
    if tab not in BUYER_TABS:
        raise InvalidInput(OrderError.STATUS_UNKNOWN, status=tab, details={"field": "tab"})
    qs = _orders().select_related("checkout").filter(buyer_id=buyer.pk)
    if BUYER_TABS[tab]:
        qs = qs.filter(status__in=BUYER_TABS[tab])
    return qs.order_by("-pk")


def order_detail_for_buyer(*, buyer, number: str) -> Order:
    """One of the buyer's orders by its number, with its lines, status history (oldest first), and after-sales
    cases (newest first) with their lines and photos; ``orders.order_unknown`` (404) for anyone else's."""
    order = (_orders().select_related("checkout")
             .prefetch_related(Prefetch("status_changes", queryset=OrderStatusChange.objects.order_by("pk")),
                               Prefetch("after_sales", queryset=AfterSalesCase.objects.order_by("-pk")
                                        .prefetch_related("lines__order_line", "photos")))
             .filter(number=str(number)[:24], buyer_id=getattr(buyer, "pk", None)).first())
    if order is None:
        raise NotFound(OrderError.ORDER_UNKNOWN, order_id=number, details={"number": number})
    return order


def qualifying_spend(user) -> Decimal:
    """What ``user`` has spent on received or completed orders, net of refunds: the measure of 满额分销 (the
    network's promotion policy asks through ``network.promotion.QUALIFYING_SPEND``)."""
    total = (Order.objects.filter(buyer=user, status__in=(Order.Status.RECEIVED, Order.Status.COMPLETED))
             .aggregate(net=Sum(F("total") - F("refunded_amount")))["net"])
    if total is None:
        return Decimal("0.00")
    # MoneyField stores 分: an expression over two of them comes back as the integer it sums.
    return total if isinstance(total, Decimal) else (Decimal(total) / 100).quantize(Decimal("0.01"))


def community_sales(window) -> tuple[int, Decimal]:
    """Orders credited to ``window.community_id`` and paid in ``[window.start, window.end)``, and their total net
    of refunds (the agency portal asks through ``network.community_insight.COMMUNITY_SALES``)."""
    row = (Order.objects.filter(community_id=window.community_id, paid_at__gte=window.start, paid_at__lt=window.end)
           .aggregate(n=Count("pk"), net=Sum(F("total") - F("refunded_amount"))))
    net = row["net"]
    if net is None:
        return row["n"], Decimal("0.00")
    # MoneyField stores 分: an expression over two of them comes back as the integer it sums.
    return row["n"], net if isinstance(net, Decimal) else (Decimal(net) / 100).quantize(Decimal("0.01"))
