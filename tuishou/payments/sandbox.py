"""The sandbox gateway (沙箱支付): behaves like a real gateway, on this machine.

It keeps its own books (``sandbox_models``), shows a pay page (``/sandbox-pay/<txn>``) where the payer
confirms or fails, and tells us what happened only through signed, asynchronous callbacks to our webhook —
each with a unique event id, headers ``X-Sandbox-Timestamp`` and ``X-Sandbox-Signature`` (hex HMAC-SHA256 of
``f"{timestamp}.{body}"`` with ``TUISHOU_SANDBOX_GATEWAY_SECRET``). Callbacks wait in an outbox and are sent
by a django-tasks task after the sandbox's transaction commits: a deferred task (``run_after``) where the task
backend supports it, otherwise whenever ``sandbox_callbacks_deliver_due`` runs (tests call it directly with a
``now`` in the future to let delayed callbacks through).

``SandboxBehaviour`` makes it misbehave the way real gateways do, repeatably from a seed: a share of events
delivered twice (the redelivery comes after the first), deliveries delayed by a random number of seconds, and
— with ``reorder`` — callbacks that fall due together delivered newest first.

In tests (``settings.TESTING``) callbacks go through Django's test client in process; otherwise they are
POSTed with ``urllib`` to ``TUISHOU_PUBLIC_URL``.
"""

from __future__ import annotations

import json
import random
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from tuishou.core.errors import Conflict, InvalidInput, NotFound
from tuishou.core.money import parse_amount
from tuishou.payments.gateway import (
    PAYMENT_EVENTS,
    PAYMENT_FAILED,
    PAYMENT_SUCCEEDED,
    REFUND_EVENTS,
    REFUND_FAILED,
    REFUND_SUCCEEDED,
    STALE_AFTER_SECONDS,
    CallbackRejected,
    Charge,
    GatewayDeclined,
    GatewayEvent,
    hmac_signature,
    signature_matches,
)
from tuishou.payments.sandbox_models import SandboxCallback, SandboxCharge, SandboxRefund

TIMESTAMP_HEADER = "X-Sandbox-Timestamp"
SIGNATURE_HEADER = "X-Sandbox-Signature"
MAX_ATTEMPTS = 6
RETRY_BASE_SECONDS = 30
Transport = Callable[[str, bytes, Mapping[str, str]], int]


@dataclass(frozen=True)
class SandboxBehaviour:
    """How the sandbox misbehaves. ``duplicate_rate``: chance (0–1) that an event is delivered a second time;
    ``delay_seconds``: each delivery waits a whole number of seconds drawn from this range (inclusive);
    ``reorder``: callbacks due together go newest first; ``refund_failure_rate``: chance a refund fails at the
    gateway (the payer's account was closed); ``seed``: makes all of it repeatable."""

    duplicate_rate: float = 0.0
    delay_seconds: tuple[int, int] = (0, 0)
    reorder: bool = False
    refund_failure_rate: float = 0.0
    seed: int = 0

    def __post_init__(self) -> None:
        low, high = self.delay_seconds
        rates = (self.duplicate_rate, self.refund_failure_rate)
        if not all(0 <= rate <= 1 for rate in rates) or not 0 <= low <= high:
            raise ValueError("rates must be within 0–1 and delay_seconds a range (low ≤ high, ≥ 0)")


def delivery_delays(behaviour: SandboxBehaviour, rng: random.Random) -> list[int]:
    """Seconds until each delivery of one event: the first, then a duplicate (a redelivery, so it comes later)."""
    low, high = behaviour.delay_seconds
    delays = [rng.randint(low, high)]
    if behaviour.duplicate_rate and rng.random() < behaviour.duplicate_rate:
        delays.append(delays[0] + rng.randint(low, high))
    return delays


class _State:
    def __init__(self, behaviour: SandboxBehaviour) -> None:
        self.behaviour = behaviour
        self.rng = random.Random(behaviour.seed)
        self.lock = threading.Lock()


_state = _State(SandboxBehaviour())
transport_override: Transport | None = None  # tests may capture deliveries instead of posting them


def _draw_refund_failure() -> bool:
    with _state.lock:
        rate = _state.behaviour.refund_failure_rate
        return bool(rate) and _state.rng.random() < rate


def sandbox_behave(behaviour: SandboxBehaviour | None = None) -> SandboxBehaviour:
    """Set (and re-seed) how the sandbox behaves from now on; no argument restores good behaviour."""
    global _state
    _state = _State(behaviour or SandboxBehaviour())
    return _state.behaviour


def sandbox_behaviour() -> SandboxBehaviour:
    """The behaviour in force."""
    return _state.behaviour


def _secret() -> str:
    return settings.TUISHOU_SANDBOX_GATEWAY_SECRET


def callback_headers(body: bytes | str, *, timestamp: int | str | None = None) -> dict[str, str]:
    """The headers the sandbox sends with ``body``, signed at ``timestamp`` (now by default)."""
    raw = body.encode() if isinstance(body, str) else body
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: hmac_signature(secret=_secret(), timestamp=stamp, body=raw),
            "Content-Type": "application/json"}


def webhook_path() -> str:
    return reverse("api-v1:payments_webhook", kwargs={"gateway_name": SandboxGateway.name})


class SandboxGateway:
    """The ``PaymentGateway`` of the sandbox."""

    name = "sandbox"

    def charge_create(self, *, reference: str, amount: Decimal, currency: str, description: str,
                      return_url: str) -> Charge:
        txn_id = f"sbx_{secrets.token_hex(12)}"
        SandboxCharge.objects.create(txn_id=txn_id, reference=reference, amount=amount, currency=currency,
                                     description=description[:200], return_url=return_url)
        path = reverse("sandbox-pay", kwargs={"txn_id": txn_id})
        return Charge(txn_id=txn_id, pay_url=settings.TUISHOU_PUBLIC_URL.rstrip("/") + path)

    def refund_create(self, *, txn_id: str, reference: str, amount: Decimal, currency: str, reason: str) -> str:
        with transaction.atomic():
            charge = SandboxCharge.objects.select_for_update().filter(txn_id=txn_id).first()
            if charge is None or charge.status != SandboxCharge.Status.PAID:
                raise GatewayDeclined("payments.gateway_declined", f"The sandbox has no paid charge {txn_id}.")
            existing = charge.refunds.filter(reference=reference).first()
            if existing is not None:
                return existing.refund_id
            refunded = charge.refunds.filter(status=SandboxRefund.Status.SUCCEEDED).aggregate(
                total=Sum("amount"))["total"] or Decimal("0.00")
            failure = ""
            if currency != charge.currency or refunded + amount > charge.amount:
                failure = "refund exceeds the charge"
            elif _draw_refund_failure():
                failure = "payer account closed"
            refund = SandboxRefund.objects.create(
                refund_id=f"sbr_{secrets.token_hex(12)}", charge=charge, reference=reference, amount=amount,
                status=SandboxRefund.Status.FAILED if failure else SandboxRefund.Status.SUCCEEDED)
            _schedule(REFUND_FAILED if failure else REFUND_SUCCEEDED, txn_id=txn_id, refund_id=refund.refund_id,
                      refund_reference=reference, amount=str(amount), currency=currency, reason=failure)
        return refund.refund_id

    def callback_verify(self, *, headers: Mapping[str, str], body: bytes,
                        now: datetime | None = None) -> GatewayEvent:
        lowered = {k.lower(): v for k, v in headers.items()}
        stamp = lowered.get(TIMESTAMP_HEADER.lower(), "")
        signature = lowered.get(SIGNATURE_HEADER.lower(), "")
        if not stamp or not signature or not signature_matches(secret=_secret(), timestamp=stamp, body=body,
                                                               signature=signature):
            raise CallbackRejected("payments.callback_forged", "The callback's signature does not match.")
        try:
            signed_at = int(stamp)
        except ValueError:
            raise CallbackRejected("payments.callback_malformed", "The callback's timestamp is not a number.") from None
        age = int((now or timezone.now()).timestamp()) - signed_at
        if abs(age) > STALE_AFTER_SECONDS:
            raise CallbackRejected("payments.callback_stale",
                                   f"The callback was signed {age} seconds ago; more than {STALE_AFTER_SECONDS} "
                                   "either way is refused as a replay.", details={"age_seconds": age})
        return _event_parse(body)


def _event_parse(body: bytes) -> GatewayEvent:
    try:
        data = json.loads(body)
        kind = data["type"]
        if kind not in PAYMENT_EVENTS | REFUND_EVENTS or not isinstance(data["amount"], str):
            raise ValueError(kind)
        fields = {name: str(data[name]) for name in ("event_id", "txn_id", "currency")}
        if not all(fields.values()):
            raise ValueError("empty field")
        amount = parse_amount(data["amount"])
        occurred_at = parse_datetime(data["occurred_at"]) if data.get("occurred_at") else None
        if kind in REFUND_EVENTS and not (data.get("refund_id") and data.get("refund_reference")):
            raise ValueError("refund event without its refund")
    except (ValueError, KeyError, TypeError, InvalidInput):
        raise CallbackRejected("payments.callback_malformed", "The callback's body is not a valid event.") from None
    return GatewayEvent(type=kind, amount=amount, occurred_at=occurred_at, refund_id=str(data.get("refund_id", "")),
                        refund_reference=str(data.get("refund_reference", "")), reason=str(data.get("reason", "")),
                        **fields)


# ---- the pay page's actions -----------------------------------------------------------------------------------

def sandbox_charge_get(*, txn_id: str) -> SandboxCharge:
    """The sandbox charge behind a pay page, or ``payments.sandbox_txn_unknown``."""
    charge = SandboxCharge.objects.filter(txn_id=txn_id).first()
    if charge is None:
        raise NotFound("payments.sandbox_txn_unknown", "No such sandbox payment.")
    return charge


def sandbox_charge_pay(*, txn_id: str) -> SandboxCharge:
    """The payer confirms: the charge is paid and ``payment.succeeded`` is scheduled (a second click is a no-op)."""
    with transaction.atomic():
        charge = SandboxCharge.objects.select_for_update().filter(txn_id=txn_id).first()
        if charge is None:
            raise NotFound("payments.sandbox_txn_unknown", "No such sandbox payment.")
        if charge.status == SandboxCharge.Status.OPEN:
            charge.status, charge.paid_at = SandboxCharge.Status.PAID, timezone.now()
            charge.save(update_fields=["status", "paid_at"])
            _schedule(PAYMENT_SUCCEEDED, txn_id=txn_id, amount=str(charge.amount), currency=charge.currency)
    return charge


def sandbox_charge_fail(*, txn_id: str, reason: str = "insufficient balance") -> SandboxCharge:
    """The payer's attempt fails (``payment.failed`` is scheduled); the charge stays open for another try."""
    with transaction.atomic():
        charge = SandboxCharge.objects.select_for_update().filter(txn_id=txn_id).first()
        if charge is None:
            raise NotFound("payments.sandbox_txn_unknown", "No such sandbox payment.")
        if charge.status == SandboxCharge.Status.PAID:
            raise Conflict("payments.sandbox_already_paid", "This payment is already paid.")
        charge.failed_attempts = F("failed_attempts") + 1
        charge.save(update_fields=["failed_attempts"])
        charge.refresh_from_db()
        _schedule(PAYMENT_FAILED, txn_id=txn_id, amount=str(charge.amount), currency=charge.currency, reason=reason)
    return charge


# ---- the outbox -----------------------------------------------------------------------------------------------

def _schedule(kind: str, **fields: str) -> list[SandboxCallback]:
    """Put one event in the outbox (with any duplicate) and have it sent after this transaction commits."""
    now = timezone.now()
    event_id = f"evt_{secrets.token_hex(12)}"
    body = json.dumps({"event_id": event_id, "type": kind, **fields, "occurred_at": now.isoformat()},
                      ensure_ascii=False, separators=(",", ":"))
    with _state.lock:
        delays = delivery_delays(_state.behaviour, _state.rng)
    rows = SandboxCallback.objects.bulk_create([
        SandboxCallback(event_id=event_id, type=kind, body=body, copy=copy,
                        deliver_after=now + timedelta(seconds=delay)) for copy, delay in enumerate(delays)])
    due_times = sorted({row.deliver_after for row in rows})
    transaction.on_commit(lambda: _dispatch(due_times))
    return rows


def _dispatch(due_times: list[datetime]) -> None:
    from tuishou.payments.tasks import sandbox_callbacks_deliver

    backend = sandbox_callbacks_deliver.get_backend()
    now = timezone.now()
    if any(at <= now for at in due_times):
        sandbox_callbacks_deliver.enqueue()
    if backend.supports_defer:
        for at in due_times:
            if at > now:
                sandbox_callbacks_deliver.using(run_after=at).enqueue()


def sandbox_callbacks_deliver_due(*, now: datetime | None = None) -> list[SandboxCallback]:
    """Send every callback due by ``now`` (oldest first, or newest first with ``reorder``); answer them."""
    now = now or timezone.now()
    due = list(SandboxCallback.objects.filter(delivered_at=None, gave_up=False, deliver_after__lte=now)
               .order_by("deliver_after", "id"))
    if _state.behaviour.reorder:
        due.reverse()
    for callback in due:
        sandbox_callback_deliver(callback=callback, now=now)
    return due


def sandbox_callback_deliver(*, callback: SandboxCallback, now: datetime | None = None) -> int | None:
    """POST one callback to the webhook, signed now; record the answer and plan a retry on failure.

    Answers the HTTP status, or ``None`` when another worker had claimed this delivery or the POST failed.
    """
    now = now or timezone.now()
    claimed = SandboxCallback.objects.filter(pk=callback.pk, delivered_at=None, gave_up=False,
                                             attempts=callback.attempts).update(
        attempts=F("attempts") + 1, last_attempt_at=timezone.now())
    if not claimed:
        return None
    body = callback.body.encode()
    status, error = None, ""
    try:
        status = (transport_override or _transport())(webhook_path(), body, callback_headers(body))
    except (OSError, urllib.error.URLError) as exc:  # the webhook is down: a retry comes later
        error = repr(exc)[:300]
    attempts = callback.attempts + 1
    changes: dict = {"last_status": status, "last_error": error}
    if status is not None and 200 <= status < 300:
        changes["delivered_at"] = timezone.now()
    elif attempts >= MAX_ATTEMPTS:
        changes["gave_up"] = True
    else:
        changes["deliver_after"] = now + timedelta(seconds=RETRY_BASE_SECONDS * 2 ** (attempts - 1))
    SandboxCallback.objects.filter(pk=callback.pk).update(**changes)
    if "deliver_after" in changes:
        transaction.on_commit(lambda: _dispatch([changes["deliver_after"]]))
    callback.refresh_from_db()
    return status


def _transport() -> Transport:
    return _post_in_process if getattr(settings, "TESTING", False) else _post_http


def _post_in_process(path: str, body: bytes, headers: Mapping[str, str]) -> int:
    from django.test import Client

    extra = {k: v for k, v in headers.items() if k.lower() != "content-type"}
    response = Client(raise_request_exception=False).post(path, data=body, content_type="application/json",
                                                          headers=extra)
    return response.status_code


def _post_http(path: str, body: bytes, headers: Mapping[str, str]) -> int:
    request = urllib.request.Request(settings.TUISHOU_PUBLIC_URL.rstrip("/") + path, data=body,
                                     headers=dict(headers), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
