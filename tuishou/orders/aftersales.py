"""After-sales (售后): refund-only (仅退款) and return-and-refund (退货退款) cases.

open → merchant_accepted → return_shipped → refunding → refunded (return and refund);
open → refunding → refunded (refund only, accepted); open → merchant_rejected; open or merchant_rejected →
escalated (the merchant missed its SLA, or the buyer disputes a rejection) → refunding (customer service
forces the refund) or closed. The order moves to ``refunding`` when a refund is requested and, when the
refund succeeds, to ``refunded`` (nothing left) or back to where it was.

What a case refunds is fixed when it is opened: only one case per order is open at a time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from tuishou.accounts.models import OperatorRole
from tuishou.accounts.permissions import require_operator, require_user
from tuishou.catalog.services import sku_stock_release
from tuishou.core.errors import Conflict, InvalidInput, NotFound
from tuishou.core.images import image_format
from tuishou.core.money import parse_amount
from tuishou.incentives.services import volume_record
from tuishou.merchants.selectors import merchant_staff_role
from tuishou.orders import events
from tuishou.orders.errors import OrderError
from tuishou.orders.models import AfterSalesCase, AfterSalesLine, AfterSalesPhoto, Checkout, Order, OrderLine
from tuishou.orders.paying import order_volume_base
from tuishou.orders.refunds import amount_allocate, line_base_left, quantity_refund_amount
from tuishou.orders.services import quantity_clean, text_clean
from tuishou.orders.transitions import REFUNDABLE, case_transition, order_transition
from tuishou.risk.services import audit_record

K = AfterSalesCase.Kind
A = AfterSalesCase.Status
S = Order.Status
MAX_PHOTOS = 9
MAX_PHOTO_BYTES = 5 * 1024 * 1024

def _case_locked(case_id: int) -> AfterSalesCase:
    case = AfterSalesCase.objects.select_for_update().select_related("order").filter(pk=case_id).first()
    if case is None:
        raise _case_unknown(case_id)
    return case


def _case_unknown(case_id: int) -> NotFound:
    return NotFound(OrderError.AFTER_SALES_UNKNOWN, case_id=case_id, details={"case_id": case_id})


def _require_buyer(case: AfterSalesCase, user) -> None:
    # Someone else's case is unknown (404), as a case that does not exist: its id is not confirmed.
    if case.order.buyer_id != getattr(user, "pk", None):
        raise _case_unknown(case.pk)


def _require_merchant(case: AfterSalesCase, user) -> None:
    if merchant_staff_role(user=user, merchant_id=case.order.merchant_id) is None:
        raise _case_unknown(case.pk)


# ---- the buyer opens a case ----------------------------------------------------------------------------------

def _refund_lines(order: Order, lines, amount) -> tuple[list[tuple[OrderLine, int, Decimal]], bool]:
    """What the case takes off each line: [(line, quantity, amount)], and whether it is by amount."""
    order_lines = {line.pk: line for line in order.lines.all()}
    if (lines is None) == (amount is None):
        raise InvalidInput(OrderError.AFTER_SALES_SCOPE,
                           details={"field": "lines"})
    if amount is not None:
        wanted = parse_amount(amount, field="amount")
        if wanted <= 0:
            raise InvalidInput(OrderError.REFUND_AMOUNT_INVALID,
                               details={"field": "amount"})
        ordered = sorted(order_lines.values(), key=lambda line: line.pk)
        left = sum((line.refundable_amount for line in ordered), Decimal("0.00"))
        if wanted > left:
            raise InvalidInput(OrderError.REFUND_EXCEEDS_PAID, refundable=left,
                               details={"refundable": str(left), "requested": str(wanted)})
        shares = amount_allocate(wanted, [line.refundable_amount for line in ordered])
        return [(line, 0, share) for line, share in zip(ordered, shares, strict=True) if share > 0], True
    if not lines:
        raise InvalidInput(OrderError.AFTER_SALES_SCOPE, details={"field": "lines"})
    result, seen = [], set()
    for line_id, quantity in lines:
        line = order_lines.get(line_id)
        if line is None or line_id in seen:
            raise InvalidInput(OrderError.LINE_UNKNOWN, line_id=line_id,
                               details={"line_id": line_id})
        seen.add(line_id)
        quantity_clean(quantity)
        if quantity > line.refundable_quantity:
            raise InvalidInput(OrderError.REFUND_EXCEEDS_PAID, refundable=line.refundable_quantity,
                               details={"line_id": line_id, "refundable_quantity": line.refundable_quantity,
                                        "requested": quantity})
        money = quantity_refund_amount(paid_amount=line.paid_amount, quantity=line.quantity,
                                       refunded_amount=line.refunded_amount, refunded_quantity=line.refunded_quantity,
                                       refund_quantity=quantity)
        if money <= 0:
            raise InvalidInput(OrderError.REFUND_EXCEEDS_PAID, refundable=0,
                               details={"line_id": line_id})
        result.append((line, quantity, money))
    return result, False


def aftersales_open(*, buyer, order_id: int, kind: str, reason: str, lines: list[tuple[int, int]] | None = None,
                    amount: Decimal | str | None = None, now: datetime | None = None) -> AfterSalesCase:
    """The buyer asks for a refund (申请售后) of some lines and quantities, or of an amount.

    Possible while the order is paid, shipped, or received and its after-sales window (AFTER_SALES_DAYS after
    receipt) is open; return-and-refund needs the goods shipped. Raises ``orders.order_unknown`` (someone
    else's too), ``orders.after_sales_unavailable``, ``orders.after_sales_window_closed``,
    ``orders.after_sales_open_exists``, ``orders.after_sales_kind``, ``orders.quantity_invalid``,
    ``orders.line_unknown``, ``orders.refund_exceeds_paid`` (more than was paid, or more units than remain);
    nothing is written then.
    """
    require_user(buyer)
    now = now or timezone.now()
    if kind not in K.values:
        raise InvalidInput(OrderError.AFTER_SALES_KIND, kind=kind,
                           details={"field": "kind"})
    reason = text_clean(reason, "reason", 1000)
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id, buyer_id=buyer.pk).first()
        if order is None:
            raise NotFound(OrderError.ORDER_UNKNOWN, order_id=order_id, details={"order_id": order_id})
        if order.status not in REFUNDABLE:
            raise Conflict(OrderError.AFTER_SALES_UNAVAILABLE, status=order.status,
                           details={"status": order.status})
        days = settings.TUISHOU["AFTER_SALES_DAYS"]
        if order.received_at is not None and now > order.received_at + timedelta(days=days):
            raise Conflict(OrderError.AFTER_SALES_WINDOW_CLOSED, days=days)
        if kind == K.RETURN_REFUND and order.shipped_at is None:
            raise InvalidInput(OrderError.AFTER_SALES_KIND, kind=kind,
                               details={"field": "kind"})
        if order.after_sales.filter(status__in=AfterSalesCase.OPEN_STATUSES).exists():
            raise Conflict(OrderError.AFTER_SALES_OPEN_EXISTS)
        takes, by_amount = _refund_lines(order, lines, amount)
        total = sum((money for _, _, money in takes), Decimal("0.00"))
        restock = not by_amount and (kind == K.RETURN_REFUND or order.shipped_at is None)
        hours = settings.TUISHOU.get("AFTER_SALES_SLA_HOURS", 48)
        try:
            with transaction.atomic():
                case = AfterSalesCase.objects.create(
                    order=order, kind=kind, reason=reason, amount=total, by_amount=by_amount, restock=restock,
                    opened_at=now, answer_due_at=now + timedelta(hours=hours))
        except IntegrityError:
            raise Conflict(OrderError.AFTER_SALES_OPEN_EXISTS) \
                from None
        AfterSalesLine.objects.bulk_create(
            [AfterSalesLine(case=case, order_line=line, quantity=quantity, amount=money)
             for line, quantity, money in takes])
    return case


def aftersales_photo_add(*, buyer, case_id: int, image: UploadedFile) -> AfterSalesPhoto:
    """Attach a photo (凭证) to the buyer's case; up to ``MAX_PHOTOS``, images only."""
    require_user(buyer)
    case = AfterSalesCase.objects.select_related("order").filter(pk=case_id).first()
    if case is None:
        raise NotFound(OrderError.AFTER_SALES_UNKNOWN, case_id=case_id,
                       details={"case_id": case_id})
    _require_buyer(case, buyer)
    if image.size > MAX_PHOTO_BYTES:
        raise InvalidInput(OrderError.PHOTO_TOO_LARGE, details={"field": "image"})
    image_format(image, formats={"JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP", "TIFF"},
                 refusal=InvalidInput(OrderError.PHOTO_INVALID, details={"field": "image"}))
    if case.photos.count() >= MAX_PHOTOS:
        raise Conflict(OrderError.TOO_MANY_PHOTOS, max_photos=MAX_PHOTOS)
    return AfterSalesPhoto.objects.create(case=case, image=image)


# ---- answers, returns, escalation, decisions ----------------------------------------------------------------

def aftersales_answer(*, actor, case_id: int, accept: bool, answer: str = "",
                      refund_amount: Decimal | str | None = None) -> AfterSalesCase:
    """The merchant answers an open case: accept (a refund-only case is refunded at once; a return waits for
    the goods) or reject with a reason. ``orders.after_sales_unknown`` for another merchant's case,
    ``orders.after_sales_not_open`` once it was answered or escalated, ``orders.field_required`` (field
    ``answer``) for a rejection without a reason; nothing is written then.

    With ``refund_amount`` the merchant accepts part of a refund-only request (部分退款): the case refunds that
    amount now, spread over its lines by amount (nothing is restocked), and the answer tells the buyer why;
    ``orders.partial_refund_invalid`` (field ``refund_amount``) unless it is more than 0 and less than asked,
    ``orders.after_sales_kind`` for a return (its goods come back whole).
    """
    require_user(actor)
    with transaction.atomic():
        case = _case_locked(case_id)
        _require_merchant(case, actor)
        if case.status != A.OPEN:
            raise Conflict(OrderError.AFTER_SALES_NOT_OPEN, details={"case_id": case.pk, "status": case.status})
        now = timezone.now()
        answer = text_clean(answer, "answer", 1000, required=not accept or refund_amount is not None)
        stamp = {"merchant_answer": answer, "answered_by": actor, "answered_at": now}
        if not accept:
            return case_transition(case=case, to=A.REJECTED, actor=actor, reason=answer, **stamp)
        if refund_amount is not None:
            _case_reduce(case, refund_amount)
        elif case.kind == K.RETURN_REFUND:
            return case_transition(case=case, to=A.ACCEPTED, actor=actor, reason=answer, **stamp)
        return _refund_start(case=case, actor=actor, now=now, **stamp)


def _case_reduce(case: AfterSalesCase, refund_amount) -> None:
    """Make an open refund-only case refund ``refund_amount`` (less than asked), by amount over its lines."""
    if case.kind != K.REFUND_ONLY:
        raise InvalidInput(OrderError.AFTER_SALES_KIND, kind=case.kind, details={"field": "refund_amount"})
    amount = parse_amount(refund_amount, field="refund_amount")
    if not Decimal("0.00") < amount < case.amount:
        raise InvalidInput(OrderError.PARTIAL_REFUND_INVALID, asked=case.amount,
                           details={"field": "refund_amount", "asked": str(case.amount)})
    takes = list(case.lines.order_by("order_line_id"))
    shares = amount_allocate(amount, [take.amount for take in takes])
    for take, share in zip(takes, shares, strict=True):
        AfterSalesLine.objects.filter(pk=take.pk).update(quantity=0, amount=share)
    case.amount, case.by_amount, case.restock = amount, True, False
    AfterSalesCase.objects.filter(pk=case.pk).update(amount=amount, by_amount=True, restock=False)


def aftersales_return_ship(*, buyer, case_id: int, carrier: str, tracking_number: str) -> AfterSalesCase:
    """The buyer sends the goods back (退货) for an accepted return, with the carrier and tracking number."""
    require_user(buyer)
    carrier = text_clean(carrier, "carrier", 40)
    tracking_number = text_clean(tracking_number, "tracking_number", 60)
    with transaction.atomic():
        case = _case_locked(case_id)
        _require_buyer(case, buyer)
        return case_transition(case=case, to=A.RETURN_SHIPPED, actor=buyer, reason=f"{carrier} {tracking_number}",
                               return_carrier=carrier,
                               return_tracking_number=tracking_number)


def aftersales_return_receive(*, actor, case_id: int) -> AfterSalesCase:
    """The merchant has the returned goods back: the refund is requested."""
    require_user(actor)
    with transaction.atomic():
        case = _case_locked(case_id)
        _require_merchant(case, actor)
        if case.status != A.RETURN_SHIPPED:
            raise Conflict(OrderError.AFTER_SALES_STATE, status=case.status, to=A.REFUNDING,
                           details={"status": case.status, "to": A.REFUNDING})
        return _refund_start(case=case, actor=actor, now=timezone.now())


def aftersales_escalate(*, buyer, case_id: int, reason: str = "") -> AfterSalesCase:
    """The buyer disputes the merchant's rejection: the case goes to customer service (平台介入)."""
    require_user(buyer)
    with transaction.atomic():
        case = _case_locked(case_id)
        _require_buyer(case, buyer)
        if case.status != A.REJECTED:
            raise Conflict(OrderError.AFTER_SALES_STATE, status=case.status, to=A.ESCALATED,
                           details={"status": case.status, "to": A.ESCALATED})
        reason = text_clean(reason, "reason", 1000, required=False)
        return case_transition(case=case, to=A.ESCALATED, actor=buyer, reason=reason or "disputed by the buyer",
                               decision=reason)


def aftersales_escalate_overdue(*, now: datetime | None = None) -> int:
    """Escalate open cases the merchant did not answer within AFTER_SALES_SLA_HOURS; return how many."""
    now = now or timezone.now()
    moved = 0
    due = AfterSalesCase.objects.filter(status=A.OPEN, answer_due_at__lte=now).order_by("pk")
    for case_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            case = _case_locked(case_id)
            if case.status == A.OPEN:
                case_transition(case=case, to=A.ESCALATED, reason="the merchant did not answer in time", at=now)
                moved += 1
    return moved


def aftersales_decide(*, actor, case_id: int, refund: bool, decision: str) -> AfterSalesCase:
    """Customer service decides an escalated case: force the refund, or close it. Audited."""
    require_operator(actor, OperatorRole.Role.CUSTOMER_SERVICE)
    decision = text_clean(decision, "decision", 1000)
    with transaction.atomic():
        case = _case_locked(case_id)
        now = timezone.now()
        stamp = {"decided_by": actor, "decided_at": now, "decision": decision}
        if case.status != A.ESCALATED:
            raise Conflict(OrderError.AFTER_SALES_STATE, status=case.status, to=A.REFUNDING if refund else A.CLOSED,
                           details={"status": case.status})
        if refund:
            case = _refund_start(case=case, actor=actor, now=now, **stamp)
        else:
            case = case_transition(case=case, to=A.CLOSED, actor=actor, reason=decision, **stamp)
        audit_record(actor=actor, action="orders.after_sales_decided", target=case, reason=decision,
                     data={"refund": bool(refund), "amount": str(case.amount)})
    return case


def _refund_start(*, case: AfterSalesCase, actor, now: datetime, **stamp) -> AfterSalesCase:
    """Move the order to refunding and ask payments for the refund (idempotent on the case)."""
    from tuishou.payments.models import Payment
    from tuishou.payments.services import refund_request

    order = Order.objects.select_for_update().get(pk=case.order_id)
    if order.status != S.REFUNDING:
        order_transition(order=order, to=S.REFUNDING, actor=actor, reason=f"after-sales #{case.pk}", at=now)
    payment_ref = Checkout.objects.values_list("payment_ref", flat=True).get(pk=order.checkout_id)
    refund = refund_request(payment=Payment.objects.get(pk=int(payment_ref)), amount=case.amount,
                            reason=f"售后 #{case.pk}", idempotency_key=f"after-sales-{case.pk}", actor=actor)
    return case_transition(case=case, to=A.REFUNDING, actor=actor, reason=f"refund #{refund.pk} requested", at=now,
                           refund_ref=str(refund.pk), **stamp)


# ---- the refund went through ---------------------------------------------------------------------------------

def checkout_refund_succeeded(event) -> None:
    """A refund of a checkout's payment succeeded (payments calls this inside its transaction): apply the
    case's lines, recompute B, record negative volume, restock returned goods, move the order and the case,
    and emit ``order.refunded`` with exactly what was refunded. A replay is a no-op."""
    case = (AfterSalesCase.objects.select_for_update().select_related("order")
            .filter(refund_ref=str(event.refund_id)).first())
    if case is None or case.status != A.REFUNDING:
        return
    now = timezone.now()
    order = Order.objects.select_for_update().get(pk=case.order_id)
    base_before = order.commission_base_remaining
    refunded = []
    for take in case.lines.select_related("order_line").order_by("order_line_id"):
        line = OrderLine.objects.select_for_update().get(pk=take.order_line_id)
        line_before = line.commission_base_remaining
        line.refunded_quantity += take.quantity
        line.refunded_amount += take.amount
        line.commission_base_remaining = min(line_before, line_base_left(
            mode=line.commission_mode, rate=line.commission_rate, fixed=line.commission_amount,
            paid_left=line.paid_amount - line.refunded_amount, quantity_left=line.quantity - line.refunded_quantity))
        line.save(update_fields=["refunded_quantity", "refunded_amount", "commission_base_remaining"])
        if case.restock and take.quantity:
            sku_stock_release(sku_id=line.sku_id, quantity=take.quantity)
        refunded.append(events.RefundedLine(line_id=line.pk, sku_id=line.sku_id, quantity=take.quantity,
                                            amount=take.amount, commission_base=line_before
                                            - line.commission_base_remaining))
    base_taken = sum((r.commission_base for r in refunded), Decimal("0.00"))
    order.refunded_amount += case.amount
    order.commission_base_remaining = base_before - base_taken
    Order.objects.filter(pk=order.pk).update(refunded_amount=order.refunded_amount,
                                             commission_base_remaining=order.commission_base_remaining)
    fully = order.refunded_amount == order.total
    if order.promoter_id:
        volume_record(promoter=order.promoter, self_purchase=order.self_purchase, occurred_at=now,
                      base=-order_volume_base(order, paid=case.amount, base=base_taken),
                      source_ref=f"order:{order.number}:refund:{case.pk}", orders=-1 if fully else 0)
    order_transition(order=order, to=S.REFUNDED if fully else order.resume_status, at=now,
                     reason=f"after-sales #{case.pk} refunded {case.amount}")
    case_transition(case=case, to=A.REFUNDED, reason=f"refund #{case.refund_ref} succeeded", at=now)
    events.emit(events.OrderRefunded(
        order_id=order.pk, order_number=order.number, case_id=case.pk, refund_ref=case.refund_ref,
        promoter_id=order.promoter_id, plan_version_id=order.plan_version_id, amount=case.amount,
        lines=tuple(refunded), commission_base_before=base_before,
        commission_base_after=order.commission_base_remaining, fully_refunded=fully, refunded_at=now))
