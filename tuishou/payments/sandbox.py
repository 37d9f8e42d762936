"""The sandbox gateway (沙箱支付): behaves like a real gateway, on this machine.

It keeps its own books (``sandbox_models``), shows a pay page (``/sandbox-pay/<txn>``) where the payer
confirms or fails, and tells us what happened only through signed, asynchronous callbacks to our webhook —
each with a unique event id, headers ``X-Sandbox-Timestamp`` and ``X-Sandbox-Signature`` (hex HMAC-SHA256 of
``f"{timestamp}.{body}"`` with ``TUISHOU_SANDBOX_GATEWAY_SECRET``, see ``tuishou.core.signing``). Its callbacks
are channel ``payment`` of the sandboxes' shared outbox (``tuishou.sandboxes.outbox``): sent after the
sandbox's transaction commits, retried with back-off, in process in tests and over HTTP otherwise;
``sandbox_callbacks_deliver_due(now=…)`` lets delayed ones through, the ``TUISHOU_OUTBOX_TRANSPORTS`` setting
captures them.

``SandboxBehaviour`` makes it misbehave the way real gateways do, repeatably from a seed: a share of events
delivered twice (the redelivery comes after the first), deliveries delayed by a random number of seconds,
— with ``reorder`` — callbacks that fall due together delivered newest first, and a share of refunds that
fail at the gateway.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.urls import reverse
from django_tasks import task

from tuishou.core.errors import Conflict, NotFound
from tuishou.core.signing import signature_verify
from tuishou.core.statements import StatementLine, day_bounds
from tuishou.core.transitions import transition_apply
from tuishou.payments.errors import PaymentError
from tuishou.payments.gateway import (
    PAYMENT_EVENTS,
    PAYMENT_FAILED,
    PAYMENT_SUCCEEDED,
    REFUND_EVENTS,
    REFUND_FAILED,
    REFUND_SUCCEEDED,
    CallbackRejected,
    Charge,
    GatewayDeclined,
    GatewayEvent,
)
from tuishou.payments.sandbox_models import CHANNEL_NAME, SandboxCharge, SandboxRefund
from tuishou.payments.sandbox_models import SandboxCallback as SandboxCallback  # for callers
from tuishou.sandboxes.outbox import MAX_ATTEMPTS as MAX_ATTEMPTS  # this sandbox's figures, for its callers
from tuishou.sandboxes.outbox import OutboxBehaviour, OutboxChannel, event_body_parse
from tuishou.sandboxes.outbox import delivery_delays as delivery_delays

HEADER_PREFIX = "X-Sandbox"  # the headers are X-Sandbox-Timestamp and X-Sandbox-Signature


@dataclass(frozen=True, kw_only=True)
class SandboxBehaviour(OutboxBehaviour):
    """How the sandbox misbehaves: the outbox's mischief (``duplicate_rate``, ``delay_seconds``, ``reorder``,
    ``seed``) and ``refund_failure_rate``: chance a refund fails at the gateway (the payer's account was closed)."""

    refund_failure_rate: float = 0.0

    def rates(self) -> tuple[float, ...]:
        return (self.duplicate_rate, self.refund_failure_rate)


@task()
def sandbox_callbacks_deliver() -> int:
    """The sandbox gateway sends the callbacks that are due; answers how many it tried (the worker runs it: the
    channel enqueues it after commit, and again when a delayed or retried callback falls due)."""
    return len(CHANNEL.deliver_due())


CHANNEL = OutboxChannel(
    name=CHANNEL_NAME, event_prefix="evt_", header_prefix=HEADER_PREFIX, task=sandbox_callbacks_deliver,
    secret=lambda: settings.TUISHOU_SANDBOX_GATEWAY_SECRET,
    webhook_path=lambda: reverse("api-v1:payments_webhook", kwargs={"gateway_name": SandboxGateway.name}),
    behaviour=SandboxBehaviour())


# This sandbox's side of the outbox, under the names its callers (tests, its task, the demo) use.
sandbox_behave = CHANNEL.behave  # no argument restores good behaviour
callback_headers = CHANNEL.headers
sandbox_callbacks_deliver_due = CHANNEL.deliver_due
sandbox_callback_deliver = CHANNEL.deliver


def charge_txn_id() -> str:
    """A new charge's transaction id (also what the fast payment start, ``start_fast``, writes)."""
    return f"sbx_{secrets.token_hex(12)}"


def charge_pay_url(txn_id: str) -> str:
    """Where the payer pays the charge: its pay page on this server, as the outside world reaches it."""
    return settings.TUISHOU_PUBLIC_URL.rstrip("/") + reverse("sandbox-pay", kwargs={"txn_id": txn_id})


class SandboxGateway:
    """The ``PaymentGateway`` of the sandbox."""

    name = "sandbox"

    def charge_create(self, *, reference: str, amount: Decimal, currency: str, description: str,
                      return_url: str) -> Charge:
        txn_id = charge_txn_id()
        SandboxCharge.objects.create(txn_id=txn_id, reference=reference, amount=amount, currency=currency,
                                     description=description[:200], return_url=return_url)
        return Charge(txn_id=txn_id, pay_url=charge_pay_url(txn_id))

    def refund_create(self, *, txn_id: str, reference: str, amount: Decimal, currency: str, reason: str) -> str:
        with transaction.atomic():
            charge = SandboxCharge.objects.select_for_update().filter(txn_id=txn_id).first()
            if charge is None or charge.status != SandboxCharge.Status.PAID:
                raise GatewayDeclined(PaymentError.GATEWAY_DECLINED, txn_id=txn_id)
            existing = charge.refunds.filter(reference=reference).first()
            if existing is not None:
                return existing.refund_id
            refunded = charge.refunds.filter(status=SandboxRefund.Status.SUCCEEDED).aggregate(
                total=Sum("amount"))["total"] or Decimal("0.00")
            failure = ""
            if currency != charge.currency or refunded + amount > charge.amount:
                failure = "refund exceeds the charge"
            elif CHANNEL.chance(CHANNEL.behaviour.refund_failure_rate):
                failure = "payer account closed"
            refund = SandboxRefund.objects.create(
                refund_id=f"sbr_{secrets.token_hex(12)}", charge=charge, reference=reference, amount=amount,
                status=SandboxRefund.Status.FAILED if failure else SandboxRefund.Status.SUCCEEDED)
            CHANNEL.schedule(REFUND_FAILED if failure else REFUND_SUCCEEDED, txn_id=txn_id,
                            refund_id=refund.refund_id, refund_reference=reference, amount=str(amount),
                            currency=currency, reason=failure)
        return refund.refund_id

    def callback_verify(self, *, headers: Mapping[str, str], body: bytes,
                        now: datetime | None = None) -> GatewayEvent:
        signature_verify(headers=headers, body=body, secret=CHANNEL.secret(), header_prefix=HEADER_PREFIX,
                         codes=PaymentError, error=CallbackRejected, now=now)
        return _event_parse(body)

    def statement(self, day: date) -> list[StatementLine]:
        start, end = day_bounds(day)
        charges = [StatementLine(kind="payment", reference=c.reference, provider_id=c.txn_id, amount=c.amount,
                                 currency=c.currency, state="succeeded", at=c.paid_at)
                   for c in SandboxCharge.objects.filter(paid_at__gte=start, paid_at__lt=end).order_by("id")]
        refunds = [StatementLine(kind="refund", reference=r.reference, provider_id=r.refund_id, amount=r.amount,
                                 currency=r.charge.currency, state=r.status, at=r.created_at)
                   for r in SandboxRefund.objects.filter(created_at__gte=start, created_at__lt=end)
                   .select_related("charge").order_by("id")]
        return charges + refunds


def _event_parse(body: bytes) -> GatewayEvent:
    try:
        data, fields = event_body_parse(body, kinds=PAYMENT_EVENTS | REFUND_EVENTS,
                                        required=("event_id", "txn_id", "currency"))
        if fields["type"] in REFUND_EVENTS and not (data.get("refund_id") and data.get("refund_reference")):
            raise ValueError("refund event without its refund")
    except ValueError:
        raise CallbackRejected(PaymentError.CALLBACK_MALFORMED) from None
    return GatewayEvent(refund_id=str(data.get("refund_id", "")), reason=str(data.get("reason", "")),
                        refund_reference=str(data.get("refund_reference", "")), **fields)


# ---- the pay page's actions -----------------------------------------------------------------------------------

def sandbox_charge_get(*, txn_id: str) -> SandboxCharge:
    """The sandbox charge behind a pay page, or ``payments.sandbox_txn_unknown``."""
    charge = SandboxCharge.objects.filter(txn_id=txn_id).first()
    if charge is None:
        raise NotFound(PaymentError.SANDBOX_TXN_UNKNOWN)
    return charge


def sandbox_charge_pay(*, txn_id: str) -> SandboxCharge:
    """The payer confirms: the charge is paid and ``payment.succeeded`` is scheduled (a second click is a no-op)."""
    with transaction.atomic():
        charge = SandboxCharge.objects.select_for_update().filter(txn_id=txn_id).first()
        if charge is None:
            raise NotFound(PaymentError.SANDBOX_TXN_UNKNOWN)
        if charge.status == SandboxCharge.Status.OPEN:
            transition_apply(charge, to=SandboxCharge.Status.PAID, reason="the payer confirmed")
            CHANNEL.schedule(PAYMENT_SUCCEEDED, txn_id=txn_id, amount=str(charge.amount),
                            currency=charge.currency)
    return charge


def sandbox_charge_fail(*, txn_id: str, reason: str = "insufficient balance") -> SandboxCharge:
    """The payer's attempt fails (``payment.failed`` is scheduled); the charge stays open for another try."""
    with transaction.atomic():
        charge = SandboxCharge.objects.select_for_update().filter(txn_id=txn_id).first()
        if charge is None:
            raise NotFound(PaymentError.SANDBOX_TXN_UNKNOWN)
        if charge.status == SandboxCharge.Status.PAID:
            raise Conflict(PaymentError.SANDBOX_ALREADY_PAID)
        charge.failed_attempts = F("failed_attempts") + 1
        charge.save(update_fields=["failed_attempts"])
        charge.refresh_from_db()
        CHANNEL.schedule(PAYMENT_FAILED, txn_id=txn_id, amount=str(charge.amount), currency=charge.currency,
                        reason=reason)
    return charge
