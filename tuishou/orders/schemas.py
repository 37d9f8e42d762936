"""API shapes for orders. Amounts go in and out as decimal strings ("19.90"); a price sent in is never read."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from tuishou.core.inputs import Count, Id
from tuishou.core.inputs import OptionalReasonIn as ReasonIn  # noqa: F401 (the routes' shape of a reason)
from tuishou.core.masking import address_masked, name_masked, phone_masked
from tuishou.orders.models import AfterSalesCase, CartLine, Checkout, Order

# ---- in ------------------------------------------------------------------------------------------------------

class AddressIn(Schema):
    name: str
    phone: str
    province: str
    city: str
    district: str
    detail: str
    is_default: bool = False


class CartAddIn(Schema):
    sku_id: Id
    quantity: Count = 1
    share_code: str = Field("", max_length=32)


class CartQuantityIn(Schema):
    quantity: Count


class CheckoutLineIn(Schema):
    sku_id: Id
    quantity: Count
    share_code: str = Field("", max_length=32)


class CheckoutIn(Schema):
    """Either ``lines`` or ``from_cart`` (every line of the cart, each with the share code it was added with)."""

    lines: list[CheckoutLineIn] = []
    from_cart: bool = False
    address_id: Id
    share_code: str = Field("", max_length=32)
    idempotency_key: str


class PayIn(Schema):
    return_url: str = ""



class ShipIn(Schema):
    carrier: str
    tracking_number: str


class AfterSalesLineIn(Schema):
    line_id: Id
    quantity: Count


class AfterSalesIn(Schema):
    """Give ``lines`` (line ids and quantities) or ``amount``, not both."""

    kind: str
    reason: str
    lines: list[AfterSalesLineIn] | None = None
    amount: str | None = None


class AnswerIn(Schema):
    accept: bool
    answer: str = ""
    refund_amount: str | None = None  # accept part of a refund-only request (部分退款), as a decimal string


class DecideIn(Schema):
    refund: bool
    decision: str


# ---- out -----------------------------------------------------------------------------------------------------

class AddressOut(Schema):
    id: int
    name: str
    phone: str
    province: str
    city: str
    district: str
    detail: str
    is_default: bool


class CartLineOut(Schema):
    id: int
    sku_id: Id
    title: str
    spec_name: str
    quantity: Count
    share_code: str


def cart_line_out(line: CartLine) -> dict:
    return {"id": line.pk, "sku_id": line.sku_id, "title": line.sku.product.title, "spec_name": line.sku.spec_name,
            "quantity": line.quantity, "share_code": line.share_code}


class OrderLineOut(Schema):
    id: int
    sku_id: Id
    title: str
    spec_name: str
    unit_price: str
    quantity: Count
    paid_amount: str
    refunded_quantity: int
    refunded_amount: str


class OrderOut(Schema):
    id: int
    number: str
    checkout_id: int
    status: str
    merchant: dict
    total: str
    refunded_amount: str
    recipient_name: str
    recipient_phone: str
    address: str
    carrier: str
    tracking_number: str
    promoter_id: int | None
    self_purchase: bool
    created_at: datetime
    paid_at: datetime | None
    shipped_at: datetime | None
    received_at: datetime | None
    completed_at: datetime | None
    lines: list[OrderLineOut]


def order_out(order: Order, lines=None) -> dict:
    """An order as its buyer (or merchant) sees it; ``lines``: its lines when the caller holds them already."""
    return {
        "id": order.pk, "number": order.number, "checkout_id": order.checkout_id, "status": order.status,
        "merchant": {"id": order.merchant_id, "name": order.merchant.name}, "total": str(order.total),
        "refunded_amount": str(order.refunded_amount), "recipient_name": order.recipient_name,
        "recipient_phone": order.recipient_phone, "address": order.address_text, "carrier": order.carrier,
        "tracking_number": order.tracking_number, "promoter_id": order.promoter_id,
        "self_purchase": order.self_purchase, "created_at": order.created_at, "paid_at": order.paid_at,
        "shipped_at": order.shipped_at, "received_at": order.received_at, "completed_at": order.completed_at,
        "lines": [{"id": line.pk, "sku_id": line.sku_id, "title": line.title, "spec_name": line.spec_name,
                   "unit_price": str(line.unit_price), "quantity": line.quantity,
                   "paid_amount": str(line.paid_amount), "refunded_quantity": line.refunded_quantity,
                   "refunded_amount": str(line.refunded_amount)}
                  for line in (order.lines.all() if lines is None else lines)],
    }


def order_out_masked(order: Order) -> dict:
    """An order as a promoter (or another role that does not fulfil it) sees it: the recipient's name, phone and
    address masked (``core.masking``), whatever the order's status."""
    return {**order_out(order), "recipient_name": name_masked(order.recipient_name),
            "recipient_phone": phone_masked(order.recipient_phone),
            "address": address_masked(province=order.province, city=order.city)}


class CheckoutOut(Schema):
    id: int
    status: str
    amount: str
    expires_at: datetime
    orders: list[OrderOut]


def checkout_out(checkout: Checkout) -> dict:
    """A checkout with its orders; the orders the fast checkout has just written (``placed_orders``: orders with
    their lines, in pk order) are shown as written instead of read back."""
    placed = getattr(checkout, "placed_orders", None)
    if placed is None:
        placed = [(o, None) for o in
                  checkout.orders.select_related("merchant").prefetch_related("lines").order_by("pk")]
    return {"id": checkout.pk, "status": checkout.status, "amount": str(checkout.amount),
            "expires_at": checkout.expires_at, "orders": [order_out(o, lines) for o, lines in placed]}


class CheckoutPaymentOut(Schema):
    """What starting to pay a checkout answers: the payment and the URL to send the buyer to."""

    payment_id: int
    status: str
    amount: str
    pay_url: str


class AfterSalesLineOut(Schema):
    line_id: Id
    quantity: Count
    amount: str


class AfterSalesOut(Schema):
    id: int
    order_id: int
    order_number: str
    kind: str
    status: str
    reason: str
    amount: str
    lines: list[AfterSalesLineOut]
    photos: list[str]
    merchant_answer: str
    answer_due_at: datetime
    return_carrier: str
    return_tracking_number: str
    escalated_at: datetime | None
    decision: str
    opened_at: datetime
    refunded_at: datetime | None


def aftersales_out(case: AfterSalesCase) -> dict:
    return {
        "id": case.pk, "order_id": case.order_id, "order_number": case.order.number, "kind": case.kind,
        "status": case.status, "reason": case.reason, "amount": str(case.amount),
        "lines": [{"line_id": t.order_line_id, "quantity": t.quantity, "amount": str(t.amount)}
                  for t in case.lines.all()],
        "photos": [p.image.url for p in case.photos.all()], "merchant_answer": case.merchant_answer,
        "answer_due_at": case.answer_due_at, "return_carrier": case.return_carrier,
        "return_tracking_number": case.return_tracking_number, "escalated_at": case.escalated_at,
        "decision": case.decision, "opened_at": case.opened_at, "refunded_at": case.refunded_at,
    }
