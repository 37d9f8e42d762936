"""Paying for a checkout, cancelling or expiring it, and what orders do when payments reports a payment
or a refund (the handlers registered with ``tuishou.payments.events`` for payable type ``checkout``).

Row lock order, everywhere: the checkout, then its orders by pk, then (through the services called) SKUs
and promoters. Payments itself locks its payment row before calling the handlers.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tuishou.accounts.permissions import require_user
from tuishou.campaigns.pricing import campaign_units_release
from tuishou.catalog.services import sku_stock_release
from tuishou.core.errors import Conflict, NotFound
from tuishou.incentives.models import PlanVersion, VolumeEntry
from tuishou.incentives.payouts import chain_snapshot
from tuishou.incentives.services import volume_record, volumes_record
from tuishou.network.models import Promoter
from tuishou.network.services import promoter_record_first_sale, promoters_record_sales
from tuishou.orders import events
from tuishou.orders.checkout import checkout_submit
from tuishou.orders.errors import OrderError
from tuishou.orders.models import Checkout, Order
from tuishou.orders.services import ADDRESS_FIELDS, address_create
from tuishou.orders.transitions import checkout_transition, order_transition

PAYABLE_TYPE = "checkout"
C = Checkout.Status
S = Order.Status


def _checkout_locked(checkout_id: int) -> Checkout:
    checkout = Checkout.objects.select_for_update().filter(pk=checkout_id).first()
    if checkout is None:
        raise NotFound(OrderError.CHECKOUT_UNKNOWN, checkout_id=checkout_id,
                       details={"checkout_id": checkout_id})
    return checkout


def _orders_locked(checkout_id: int, *, with_promoter_path: bool = False) -> list[Order]:
    # With its plan version (a paid order reads its base setting): one query for all of them, not one per
    # order; only the orders' rows are locked. ``promoter_path``: the credited promoter's tree path, which the
    # chain snapshot starts from.
    orders = Order.objects.select_for_update(of=("self",)).select_related("plan_version")
    if with_promoter_path:
        orders = orders.annotate(promoter_path=F("promoter__path"))
    return list(orders.filter(checkout_id=checkout_id).order_by("pk"))


def checkout_for_buyer(*, buyer, checkout_id: int) -> Checkout:
    """The buyer's checkout, or ``orders.checkout_unknown`` (404, someone else's too)."""
    checkout = Checkout.objects.filter(pk=checkout_id, buyer_id=getattr(buyer, "pk", None)).first()
    if checkout is None:
        raise NotFound(OrderError.CHECKOUT_UNKNOWN, checkout_id=checkout_id,
                       details={"checkout_id": checkout_id})
    return checkout


def checkout_buy_now(*, buyer, sku_id: int, quantity: int, share_code: str = "", address_id: int | None,
                     address: Mapping[str, str] | None = None, idempotency_key: str, return_url: str = ""):
    """Buy one SKU in one step, as a product's checkout page does: without ``address_id`` the typed ``address``
    (name, phone, province, city, district, detail) is saved first (``address_create``); then the checkout is
    submitted (``checkout_submit``: a replay of the key answers the first one) and its payment started
    (``checkout_pay``). Answers the payment, whose ``pay_url`` the buyer goes to. Raises what those raise."""
    if address_id is None:
        address_id = address_create(user=buyer, **{field: (address or {}).get(field, "")
                                                   for field in ADDRESS_FIELDS}).pk
    checkout = checkout_submit(buyer=buyer, lines=[(sku_id, quantity)], address_id=address_id,
                               share_code=share_code, idempotency_key=idempotency_key)
    return checkout_pay(buyer=buyer, checkout_id=checkout.pk, return_url=return_url)


def checkout_pay(*, buyer, checkout_id: int, return_url: str = ""):
    """Start (or resume) the payment of a checkout and return the payments ``Payment`` with its pay URL.

    Raises ``orders.already_paid`` when it is paid, ``orders.not_payable`` when it was cancelled or its
    payment time ran out. Starting again while a payment is open hands back that payment.
    """
    from tuishou.payments.services import payment_start

    require_user(buyer)
    checkout = checkout_for_buyer(buyer=buyer, checkout_id=checkout_id)
    if checkout.status == C.PAID:
        raise Conflict(OrderError.ALREADY_PAID, details={"checkout_id": checkout_id})
    if checkout.status == C.CANCELLED or checkout.expires_at <= timezone.now():
        raise Conflict(OrderError.NOT_PAYABLE,
                       details={"checkout_id": checkout_id})
    from tuishou.payments.models import Payment

    numbers = list(checkout.orders.order_by("pk").values_list("number", flat=True))
    # One key per attempt: a failed attempt stays failed, the next start opens a new payment; two starts at
    # once compute the same key and get the same payment.
    attempt = Payment.objects.filter(payable_type=PAYABLE_TYPE, payable_ref=str(checkout.pk)).exclude(
        status__in=Payment.OPEN_STATUSES).count()
    try:
        return payment_start(user=buyer, payable_type=PAYABLE_TYPE, payable_ref=str(checkout.pk),
                             amount=checkout.amount, idempotency_key=f"checkout-{checkout.pk}-{attempt}",
                             description=f"推手订单 {', '.join(numbers)}"[:200], return_url=return_url)
    except Conflict as exc:
        if exc.code == "payments.already_paid":
            raise Conflict(OrderError.ALREADY_PAID,
                           details={"checkout_id": checkout_id}) from None
        raise


def _cancel(*, checkout_id: int, actor, reason: str, now: datetime) -> bool:
    """Cancel a pending checkout with its orders and give their stock (and campaign allocation) back; False when
    it is not pending."""
    checkout = _checkout_locked(checkout_id)
    if checkout.status != C.PENDING:
        return False
    orders = _orders_locked(checkout_id)
    for order in orders:
        order_transition(order=order, to=S.CANCELLED, actor=actor, reason=reason, at=now)
        for sku_id, quantity in order.lines.order_by("sku_id").values_list("sku_id", "quantity"):
            sku_stock_release(sku_id=sku_id, quantity=quantity)
    campaign_units_release(order_ids=[order.pk for order in orders])  # 爆品 allocation back, after the stock
    checkout_transition(checkout=checkout, to=C.CANCELLED, actor=actor, reason=reason, at=now)
    return True


def order_cancel(*, buyer, order_id: int, reason: str = "") -> Order:
    """The buyer cancels an unpaid order (取消订单). Its checkout is paid as one, so every order of the
    checkout is cancelled with it and the stock goes back.

    Raises ``orders.order_unknown`` (someone else's too), ``orders.transition_invalid`` (already paid, or
    cancelled).
    """
    require_user(buyer)
    order = Order.objects.filter(pk=order_id, buyer_id=buyer.pk).first()
    if order is None:
        raise NotFound(OrderError.ORDER_UNKNOWN, order_id=order_id, details={"order_id": order_id})
    with transaction.atomic():
        if not _cancel(checkout_id=order.checkout_id, actor=buyer, reason=reason or "cancelled by the buyer",
                       now=timezone.now()):
            order.refresh_from_db()
            raise Conflict(OrderError.TRANSITION_INVALID, kind="order", status=order.status, to=S.CANCELLED,
                           details={"status": order.status, "to": S.CANCELLED})
    order.refresh_from_db()
    return order


def checkouts_expire(*, now: datetime | None = None) -> int:
    """Cancel checkouts whose payment time ran out (超时未支付) and release their stock; return how many.

    Idempotent: a checkout already paid or cancelled is left alone, one transaction per checkout.
    """
    now = now or timezone.now()
    expired = 0
    due = Checkout.objects.filter(status=C.PENDING, expires_at__lte=now).order_by("pk").values_list("pk", flat=True)
    for checkout_id in due:
        with transaction.atomic():
            expired += _cancel(checkout_id=checkout_id, actor=None, reason="payment time ran out", now=now)
    return expired


# ---- handlers for payments -----------------------------------------------------------------------------------

def checkout_payment_succeeded(event) -> None:
    """A payment of a checkout succeeded (payments calls this inside its transaction).

    Refuses (``PayableRefused``: payments then refunds automatically) when the checkout was cancelled or
    expired, the payment came after the deadline, or the amount differs. Otherwise every order moves to
    paid with its chain snapshotted, volume recorded, the credited promoter's first sale counted, and
    ``order.paid`` emitted. A replay of the same payment is a no-op.
    """
    from tuishou.payments.events import PayableRefused

    checkout = Checkout.objects.select_for_update().filter(pk=int(event.payable_ref)).first()
    if checkout is None:
        raise PayableRefused("unknown checkout")
    if checkout.status == C.PAID:
        if checkout.payment_ref == str(event.payment_id):
            return
        raise PayableRefused("already paid by another payment")
    if checkout.status == C.CANCELLED:
        raise PayableRefused("checkout cancelled or expired")
    if event.paid_at > checkout.expires_at:
        raise PayableRefused("paid after the payment deadline")
    if event.amount != checkout.amount:
        raise PayableRefused(f"amount {event.amount} is not the checkout's {checkout.amount}")
    at = event.paid_at
    for order in _orders_locked(checkout.pk, with_promoter_path=True):
        _order_paid(order=order, at=at, payment_ref=str(event.payment_id))
    checkout_transition(checkout=checkout, to=C.PAID, reason=f"payment {event.payment_id}", at=at,
                        payment_ref=str(event.payment_id))


def _order_paid(*, order: Order, at: datetime, payment_ref: str) -> None:
    chain = (chain_snapshot(promoter_id=order.promoter_id, path=getattr(order, "promoter_path", None))
             if order.promoter_id else [])
    order_transition(order=order, to=S.PAID, reason=f"payment {payment_ref}", at=at,
                     chain=[link.as_dict() for link in chain])
    lines = tuple(events.PaidLine(line_id=pk, sku_id=sku_id, quantity=quantity, paid_amount=paid,
                                  commission_base=base)
                  for pk, sku_id, quantity, paid, base in order.lines.order_by("pk").values_list(
                      "pk", "sku_id", "quantity", "paid_amount", "commission_base"))
    order_paid_record(order={name: getattr(order, name) for name in PAID_FIELDS}, volume=order_volume_base(order),
                      chain=chain, lines=lines, at=at, payment_ref=payment_ref)


# What ``order_paid_record`` reads of an order, by its model's field names.
PAID_FIELDS = ("id", "number", "checkout_id", "buyer_id", "merchant_id", "promoter_id", "self_purchase",
               "community_id", "plan_version_id", "fee_rate", "total", "commission_base")


def order_paid_record(*, order: dict, volume, chain, lines: tuple, at: datetime, payment_ref: str) -> None:
    """What follows an order's move to paid, on either path (this module's and ``paying_fast``'s): the credited
    promoter's volume entry and first sale, then ``order.paid``. ``order`` holds the ``PAID_FIELDS``.

    With ``order.paid`` deferred (the batched accrual) only the event is queued here; the volume entry and the
    first sale are written with the rest of its effects when the batch books it (``orders_paid_volume``)."""
    event = events.OrderPaid(
        order_id=order["id"], order_number=order["number"], checkout_id=order["checkout_id"],
        buyer_id=order["buyer_id"], merchant_id=order["merchant_id"], promoter_id=order["promoter_id"],
        self_purchase=order["self_purchase"], community_id=order["community_id"],
        plan_version_id=order["plan_version_id"], fee_rate=order["fee_rate"], paid_amount=order["total"],
        commission_base=order["commission_base"],
        chain=tuple(events.ChainMember(promoter_id=c.promoter_id, rank=c.rank, active=c.active) for c in chain),
        lines=lines, payment_ref=payment_ref, paid_at=at)
    if order["promoter_id"] and not events.deferred(events.OrderPaid):
        promoter = Promoter(pk=order["promoter_id"])  # no read: both calls need only its id
        volume_record(promoter=promoter, base=volume, self_purchase=order["self_purchase"], occurred_at=at,
                      source_ref=paid_volume_ref(order["number"]), orders=1, move_personal_volume=False)
        promoter_record_first_sale(promoter, volume=volume)  # counts the sale and moves personal_volume
    events.emit(event)


def paid_volume_ref(order_number: str) -> str:
    """The ``source_ref`` of a paid order's volume entry."""
    return f"order:{order_number}:paid"


def orders_paid_volume(paid: list[events.OrderPaid]) -> None:
    """The batch form of ``order_paid_record``'s volume entries and first sales (subscribed for the deferred
    ``order.paid``): each credited promoter's count and volume moved once for the batch, their rows locked in pk
    order, then every volume entry in one insert. The volume is what ``order_volume_base`` gives at payment
    (nothing refunded yet): B, or the paid amount under a ``base: paid`` plan."""
    credited = [event for event in paid if event.promoter_id]
    if not credited:
        return
    base_settings = dict(PlanVersion.objects.filter(pk__in={e.plan_version_id for e in credited if e.plan_version_id})
                         .values_list("pk", "document__base"))
    sales: dict[int, tuple[int, Decimal]] = {}
    entries = []
    for event in credited:
        volume = volume_of(paid=event.paid_amount, base=event.commission_base,
                           base_setting=base_settings.get(event.plan_version_id))
        entries.append(VolumeEntry(promoter_id=event.promoter_id, base=volume, self_purchase=event.self_purchase,
                                   orders=1, occurred_at=event.paid_at, source_ref=paid_volume_ref(event.order_number)))
        count, total = sales.get(event.promoter_id, (0, Decimal("0.00")))
        sales[event.promoter_id] = (count + 1, total + volume)
    promoters_record_sales(sales)
    volumes_record(entries)


def volume_of(*, paid, base, base_setting: str | None):
    """The B ranks measure: the commission base, or the paid amount under a plan whose ``base`` is ``paid``."""
    return paid if base_setting == "paid" else base


def order_volume_base(order: Order, *, paid=None, base=None):
    """The B ranks measure for an order: the commission base, or the paid amount under a ``base: paid`` plan.

    ``paid``/``base`` override the order's own figures (a refund passes what it took off).
    """
    paid = order.total - order.refunded_amount if paid is None else paid
    base = order.commission_base_remaining if base is None else base
    document = order.plan_version.document if order.plan_version_id else {}
    return volume_of(paid=paid, base=base, base_setting=(document or {}).get("base"))
