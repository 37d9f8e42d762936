"""Writes for payments: start a payment, process a gateway's callback, request and submit refunds.

Locking: anything that changes a payment or its refunds first locks the payment row (``select_for_update``),
then the refund; callbacks, refunds and concurrent deliveries of one event therefore queue on one row.
Gateway calls that reach outside the process run after commit, through a task (``refund_submit_task``, defined
here beside what enqueues it, so that services and tasks do not import each other).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from tuishou.core.callback_log import CallbackLog, CallbackResult
from tuishou.core.errors import Conflict, InvalidInput
from tuishou.core.money import CURRENCY, parse_amount
from tuishou.payments import events
from tuishou.payments.callback_fast import fast_path_enabled, payment_callback_fast
from tuishou.payments.errors import PaymentError
from tuishou.payments.gateway import (
    PAYMENT_EVENTS,
    PAYMENT_SUCCEEDED,
    REFUND_SUCCEEDED,
    CallbackRejected,
    GatewayDeclined,
    GatewayEvent,
    PaymentGateway,
    charge_description,
    charge_reference,
    gateway_get,
)
from tuishou.payments.models import Payment, PaymentEvent, Refund
from tuishou.payments.return_urls import return_url_check
from tuishou.payments.selectors import refund_committed_total, refund_succeeded_total
from tuishou.payments.start_fast import payment_start_fast, start_fast_enabled
from tuishou.payments.transitions import payment_can, payment_transition, refund_can, refund_transition

log = logging.getLogger(__name__)
Outcome = PaymentEvent.Outcome
_callbacks = CallbackLog(PaymentEvent, sender_field="gateway", id_fields={"txn_id": 64}, noun="payment", logger=log)


# ---- starting a payment -------------------------------------------------------------------------------------

def payment_start(*, payable_type: str, payable_ref: str, amount: Decimal | str, idempotency_key: str,
                  return_url: str = "", user=None, description: str = "", currency: str = CURRENCY,
                  gateway: str | None = None) -> Payment:
    """Start collecting ``amount`` for a payable through the gateway; the answer carries the ``pay_url``.

    The same ``idempotency_key`` answers the same payment. One open payment per payable: starting again while
    one is open answers that one. Once the payable is paid: ``payments.already_paid`` (409). ``return_url``
    must be an address of this shop (``payments.return_url_invalid``, see ``return_urls``).
    """
    amount = parse_amount(amount)
    if amount <= 0:
        raise InvalidInput(PaymentError.AMOUNT_INVALID)
    if not (payable_type and payable_ref and idempotency_key):
        raise InvalidInput(PaymentError.PAYABLE_INVALID)
    return_url = return_url_check(return_url)
    gw = gateway_get(gateway)
    wanted = {"payable_type": payable_type, "payable_ref": str(payable_ref), "amount": amount, "currency": currency}
    if start_fast_enabled(gw):  # a new payment issued at the sandbox in one statement; anything else: below
        fast = payment_start_fast(gateway=gw, idempotency_key=idempotency_key, return_url=return_url,
                                  user_id=getattr(_user_or_none(user), "pk", None), description=description, **wanted)
        if fast is not None:
            return fast
    for _ in range(3):  # a concurrent start of the same payable wins the unique constraint: look again
        payment = _payment_find(idempotency_key=idempotency_key, **wanted)
        if payment is None:
            # The row commits before the gateway is called: if the call fails (or times out after the gateway
            # acted), a retry re-issues the same reference, which the gateway recognises, never a second charge.
            try:
                with transaction.atomic():
                    payment = Payment.objects.create(idempotency_key=idempotency_key, gateway=gw.name,
                                                     return_url=return_url, user=_user_or_none(user), **wanted)
            except IntegrityError:
                continue
        break
    else:
        raise Conflict(PaymentError.START_CONTENDED)
    if payment.status == Payment.Status.CREATED:
        payment = _payment_issue(payment=payment, gateway=gw, description=description)
    return payment


def _payment_find(*, idempotency_key: str, payable_type: str, payable_ref: str, amount: Decimal,
                  currency: str) -> Payment | None:
    # One read for the three questions (paid? the same key? open?), answered in that order below.
    candidates = list(Payment.objects.filter(
        Q(payable_type=payable_type, payable_ref=payable_ref,
          status__in=[Payment.Status.SUCCEEDED, *Payment.OPEN_STATUSES]) | Q(idempotency_key=idempotency_key))
        .order_by("pk"))
    ours = [p for p in candidates if (p.payable_type, p.payable_ref) == (payable_type, payable_ref)]
    paid = next((p for p in ours if p.status == Payment.Status.SUCCEEDED), None)
    if paid is not None:
        raise Conflict(PaymentError.ALREADY_PAID, payable_type=payable_type, payable_ref=payable_ref,
                       details={"payment_id": paid.pk})
    same_key = next((p for p in candidates if p.idempotency_key == idempotency_key), None)
    if same_key is not None:
        if (same_key.payable_type, same_key.payable_ref, same_key.amount, same_key.currency) != (
                payable_type, payable_ref, amount, currency):
            raise Conflict(PaymentError.IDEMPOTENCY_KEY_REUSED)
        return same_key
    open_one = next((p for p in ours if p.status in Payment.OPEN_STATUSES), None)
    if open_one is not None and (open_one.amount, open_one.currency) != (amount, currency):
        raise Conflict(PaymentError.AMOUNT_CHANGED, amount=open_one.amount, currency=open_one.currency,
                       payable_type=payable_type,
                       details={"payment_id": open_one.pk})
    return open_one


def _payment_issue(*, payment: Payment, gateway: PaymentGateway, description: str) -> Payment:
    """Open the charge at the gateway under the payment's row lock, so two starts never open two charges."""
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status != Payment.Status.CREATED:
            return locked
        return _payment_charge(payment=locked, gateway=gateway, description=description)


def _payment_charge(*, payment: Payment, gateway: PaymentGateway, description: str) -> Payment:
    """Open the charge of a created payment that this transaction holds (locked, or created by it)."""
    charge = gateway.charge_create(reference=charge_reference(payment.pk), amount=payment.amount,
                                   currency=payment.currency, return_url=payment.return_url,
                                   description=charge_description(description, payment.payable_type,
                                                                  payment.payable_ref))
    return payment_transition(payment=payment, event="issue", gateway_txn_id=charge.txn_id, pay_url=charge.pay_url)


def _user_or_none(user):
    return user if user is not None and getattr(user, "pk", None) else None


# ---- callbacks ------------------------------------------------------------------------------------------------

def payment_callback_handle(*, gateway: str, headers: Mapping[str, str], body: bytes,
                            now: datetime | None = None) -> CallbackResult:
    """Verify and apply one gateway callback, exactly once per event id; every callback is logged.

    Rejections (``payments.callback_forged``, ``callback_stale``, ``callback_malformed``, ``amount_mismatch``,
    ``callback_unknown_txn``, ``refund_unknown``) change nothing but the log and raise ``CallbackRejected``.
    """
    gw = gateway_get(gateway)
    if fast_path_enabled():  # an ordinary success in one transaction; anything else falls through to here
        fast = payment_callback_fast(gateway=gw, headers=headers, body=body, now=now)
        if fast is not None:
            return fast
    return _callbacks.receive(
        sender=gw.name, headers=headers, body=body, rejected=CallbackRejected, forged_code="payments.callback_forged",
        verify=lambda: gw.callback_verify(headers=headers, body=body, now=now),
        identify=lambda event: {"event_id": event.event_id, "type": event.type, "txn_id": event.txn_id},
        apply=_event_apply)


def _event_apply(event: GatewayEvent, row: dict[str, Any]) -> CallbackResult:
    if event.type in PAYMENT_EVENTS:
        return _payment_event_apply(event, row)
    return _refund_event_apply(event, row)


def _payment_locked(gateway: str, txn_id: str) -> Payment:
    payment = Payment.objects.select_for_update().filter(gateway=gateway, gateway_txn_id=txn_id).first()
    if payment is None:
        raise CallbackRejected(PaymentError.CALLBACK_UNKNOWN_TXN, txn_id=txn_id)
    return payment


def _amount_check(event: GatewayEvent, amount: Decimal, currency: str) -> None:
    if (event.amount, event.currency) != (amount, currency):
        raise CallbackRejected(PaymentError.AMOUNT_MISMATCH, got=f"{event.amount} {event.currency}",
                               expected=f"{amount} {currency}",
                               details={"expected": f"{amount} {currency}", "got": f"{event.amount} {event.currency}"})


def _payment_event_apply(event: GatewayEvent, row: dict[str, Any]) -> CallbackResult:
    payment = row["payment"] = _payment_locked(row["gateway"], event.txn_id)
    _amount_check(event, payment.amount, payment.currency)
    record = _callbacks.claim(row)
    if record is None:
        return _callbacks.settle(None, row, Outcome.DUPLICATE)
    if event.type == PAYMENT_SUCCEEDED:
        return _callbacks.settle(record, row, *_payment_succeed(payment, event))
    if payment_can(payment, "fail"):
        payment_transition(payment=payment, event="fail", reason=event.reason or "failed at the gateway")
        return _callbacks.settle(record, row, Outcome.PROCESSED)
    # A failure after a success (a retry that failed first, delivered late): the money is in; keep it.
    return _callbacks.settle(record, row, Outcome.IGNORED, "payments.event_out_of_order")


def _payment_succeed(payment: Payment, event: GatewayEvent) -> tuple[str, str]:
    if not payment_can(payment, "succeed"):
        return Outcome.IGNORED, "payments.already_settled"
    other = Payment.objects.filter(payable_type=payment.payable_type, payable_ref=payment.payable_ref,
                                   status=Payment.Status.SUCCEEDED).exclude(pk=payment.pk).first()
    paid_at = event.occurred_at or timezone.now()
    if other is not None:
        _payment_refuse(payment, reason=f"already paid by payment #{other.pk}", paid_at=paid_at)
        return Outcome.PROCESSED, "payments.payable_refused"
    try:
        # The payable's handler moves its own state in this savepoint; a refusal rolls both back.
        with transaction.atomic():
            payment_transition(payment=payment, event="succeed", paid_at=paid_at)
            events.payment_succeeded_notify(events.PaymentSucceeded(
                payment_id=payment.pk, payable_type=payment.payable_type, payable_ref=payment.payable_ref,
                amount=payment.amount, currency=payment.currency, paid_at=paid_at, user_id=payment.user_id))
    except events.PayableRefused as refusal:
        payment.refresh_from_db()
        _payment_refuse(payment, reason=refusal.reason, paid_at=paid_at)
        return Outcome.PROCESSED, "payments.payable_refused"
    return Outcome.PROCESSED, ""


def _payment_refuse(payment: Payment, *, reason: str, paid_at: datetime) -> None:
    """The money came in but the payable will not take it: book that, and send it all back."""
    payment_transition(payment=payment, event="refuse", reason=reason[:200], paid_at=paid_at)
    refund = Refund.objects.create(payment=payment, amount=payment.amount, reason=f"automatic: {reason}"[:200],
                                   idempotency_key=f"payment-{payment.pk}-refused", automatic=True)
    _refund_submit_after_commit(refund)


def _refund_event_apply(event: GatewayEvent, row: dict[str, Any]) -> CallbackResult:
    payment = row["payment"] = _payment_locked(row["gateway"], event.txn_id)
    refund = Refund.objects.select_for_update().filter(payment=payment, pk=_refund_pk(event.refund_reference)).first()
    if refund is None or (refund.gateway_refund_id and refund.gateway_refund_id != event.refund_id):
        raise CallbackRejected(PaymentError.REFUND_UNKNOWN, refund_reference=event.refund_reference,
                               refund_id=event.refund_id)
    row["refund"] = refund
    _amount_check(event, refund.amount, payment.currency)
    record = _callbacks.claim(row)
    if record is None:
        return _callbacks.settle(None, row, Outcome.DUPLICATE)
    kind = "succeed" if event.type == REFUND_SUCCEEDED else "fail"
    if not refund_can(refund, kind):
        if refund.status == Refund.Status.FAILED:
            log.error("refund #%s reported %s after it failed: finance must check the gateway", refund.pk, kind)
        return _callbacks.settle(record, row, Outcome.IGNORED, "payments.event_out_of_order")
    refund_transition(refund=refund, event=kind, reason="" if kind == "succeed" else event.reason or "failed",
                      gateway_refund_id=refund.gateway_refund_id or event.refund_id)
    if kind == "succeed" and not refund.automatic:
        events.refund_succeeded_notify(events.RefundSucceeded(
            refund_id=refund.pk, payment_id=payment.pk, payable_type=payment.payable_type,
            payable_ref=payment.payable_ref, amount=refund.amount, refunded_total=refund_succeeded_total(payment),
            paid_amount=payment.amount, reason=refund.reason))
    return _callbacks.settle(record, row, Outcome.PROCESSED)


def _refund_pk(reference: str) -> int | None:
    prefix = "refund-"
    number = reference[len(prefix):] if reference.startswith(prefix) else ""
    return int(number) if number.isdigit() else None


# ---- refunds --------------------------------------------------------------------------------------------------

def refund_request(*, payment: Payment, amount: Decimal | str, reason: str, idempotency_key: str,
                   actor=None) -> Refund:
    """Ask for ``amount`` of a succeeded payment back (退款); the gateway is asked after commit.

    The same ``idempotency_key`` answers the same refund. Refunds that are not failed never add up to more than
    was paid: ``payments.refund_exceeds_paid``, checked under the payment's row lock.
    """
    amount = parse_amount(amount)
    if amount <= 0:
        raise InvalidInput(PaymentError.AMOUNT_INVALID)
    if not reason.strip() or not idempotency_key:
        raise InvalidInput(PaymentError.REFUND_INVALID)
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        existing = Refund.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if (existing.payment_id, existing.amount) != (locked.pk, amount):
                raise Conflict(PaymentError.IDEMPOTENCY_KEY_REUSED)
            return existing
        if locked.status != Payment.Status.SUCCEEDED:
            raise Conflict(PaymentError.NOT_REFUNDABLE, status=locked.status,
                           details={"status": locked.status})
        committed = refund_committed_total(locked)
        if committed + amount > locked.amount:
            raise InvalidInput(
                PaymentError.REFUND_EXCEEDS_PAID, amount=amount, total=committed + amount, paid=locked.amount,
                details={"paid": str(locked.amount), "already_refunded_or_pending": str(committed),
                         "requested": str(amount), "refundable": str(locked.amount - committed)})
        refund = Refund.objects.create(payment=locked, amount=amount, reason=reason.strip()[:200],
                                       idempotency_key=idempotency_key, requested_by=_user_or_none(actor))
        _refund_submit_after_commit(refund)
    return refund


def _refund_submit_after_commit(refund: Refund) -> None:
    transaction.on_commit(lambda: refund_submit_task.enqueue(refund.pk))


@task()
def refund_submit_task(refund_id: int) -> str:
    """Send a requested refund to its gateway (the worker runs it); answers the refund's status afterwards."""
    return refund_submit(refund_id=refund_id).status


def refund_submit(*, refund_id: int) -> Refund:
    """Send a requested refund to the gateway (idempotent: the gateway keys it on our reference)."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update(of=("self",)).select_related("payment").get(pk=refund_id)
        if refund.status != Refund.Status.REQUESTED:
            return refund
        payment = refund.payment
        try:
            gateway_refund_id = gateway_get(payment.gateway).refund_create(
                txn_id=payment.gateway_txn_id, reference=refund.reference, amount=refund.amount,
                currency=payment.currency, reason=refund.reason)
        except GatewayDeclined as exc:
            return refund_transition(refund=refund, event="fail", reason=exc.message[:200])
        return refund_transition(refund=refund, event="submit", gateway_refund_id=gateway_refund_id)
