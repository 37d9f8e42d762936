"""The payout sandbox (沙箱出款): behaves like a real payout provider, on this machine.

It accepts transfers into its own books (``sandbox_models``), decides at once whether each goes through, and
tells us only through signed, asynchronous callbacks to our webhook (``POST /api/v1/wallets/payouts/webhooks/
sandbox``) — each with a unique event id and headers ``X-Payout-Timestamp`` and ``X-Payout-Signature`` (hex
HMAC-SHA256 of ``f"{timestamp}.{body}"`` with ``TUISHOU_SANDBOX_PAYOUT_SECRET``). Callbacks wait in an outbox
and are sent by a django-tasks task after the sandbox's transaction commits: a deferred task (``run_after``)
where the task backend supports it, otherwise whenever ``sandbox_payout_callbacks_deliver_due`` runs (tests
call it with a ``now`` in the future to let delayed callbacks through).

``SandboxPayoutBehaviour`` makes it misbehave the way real providers do, repeatably from a seed: a share of
events delivered twice (the redelivery comes after the first), deliveries delayed by a random number of
seconds, callbacks that fall due together delivered newest first (``reorder``), and a share of transfers
that fail (the payee's account is closed).

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
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from tuishou.core.errors import InvalidInput
from tuishou.core.money import parse_amount
from tuishou.wallets.payouts import (
    PAYOUT_EVENTS,
    PAYOUT_FAILED,
    PAYOUT_SUCCEEDED,
    STALE_AFTER_SECONDS,
    CallbackRejected,
    ProviderEvent,
    hmac_signature,
    signature_matches,
)
from tuishou.wallets.rules import Payee
from tuishou.wallets.sandbox_models import SandboxPayoutCallback, SandboxTransfer

TIMESTAMP_HEADER = "X-Payout-Timestamp"
SIGNATURE_HEADER = "X-Payout-Signature"
MAX_ATTEMPTS = 6
RETRY_BASE_SECONDS = 30
Transport = Callable[[str, bytes, Mapping[str, str]], int]


@dataclass(frozen=True)
class SandboxPayoutBehaviour:
    """How the sandbox misbehaves. ``duplicate_rate``: chance (0–1) that an event is delivered a second time;
    ``delay_seconds``: each delivery waits a whole number of seconds drawn from this range (inclusive);
    ``reorder``: callbacks due together go newest first; ``failure_rate``: chance a transfer fails;
    ``seed``: makes all of it repeatable."""

    duplicate_rate: float = 0.0
    delay_seconds: tuple[int, int] = (0, 0)
    reorder: bool = False
    failure_rate: float = 0.0
    seed: int = 0

    def __post_init__(self) -> None:
        low, high = self.delay_seconds
        if not all(0 <= rate <= 1 for rate in (self.duplicate_rate, self.failure_rate)) or not 0 <= low <= high:
            raise ValueError("rates must be within 0–1 and delay_seconds a range (low ≤ high, ≥ 0)")


def delivery_delays(behaviour: SandboxPayoutBehaviour, rng: random.Random) -> list[int]:
    """Seconds until each delivery of one event: the first, then a duplicate (a redelivery, so it comes later)."""
    low, high = behaviour.delay_seconds
    delays = [rng.randint(low, high)]
    if behaviour.duplicate_rate and rng.random() < behaviour.duplicate_rate:
        delays.append(delays[0] + rng.randint(low, high))
    return delays


class _State:
    def __init__(self, behaviour: SandboxPayoutBehaviour) -> None:
        self.behaviour = behaviour
        self.rng = random.Random(behaviour.seed)
        self.lock = threading.Lock()


_state = _State(SandboxPayoutBehaviour())
transport_override: Transport | None = None  # tests may capture deliveries instead of posting them


def sandbox_payout_behave(behaviour: SandboxPayoutBehaviour | None = None) -> SandboxPayoutBehaviour:
    """Set (and re-seed) how the sandbox behaves from now on; no argument restores good behaviour."""
    global _state
    _state = _State(behaviour or SandboxPayoutBehaviour())
    return _state.behaviour


def sandbox_payout_behaviour() -> SandboxPayoutBehaviour:
    """The behaviour in force."""
    return _state.behaviour


def _draw_failure() -> bool:
    with _state.lock:
        rate = _state.behaviour.failure_rate
        return bool(rate) and _state.rng.random() < rate


def _secret() -> str:
    return settings.TUISHOU_SANDBOX_PAYOUT_SECRET


def callback_headers(body: bytes | str, *, timestamp: int | str | None = None) -> dict[str, str]:
    """The headers the sandbox sends with ``body``, signed at ``timestamp`` (now by default)."""
    raw = body.encode() if isinstance(body, str) else body
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: hmac_signature(secret=_secret(), timestamp=stamp, body=raw),
            "Content-Type": "application/json"}


def webhook_path() -> str:
    return reverse("api-v1:wallets_payout_webhook", kwargs={"provider_name": SandboxPayoutProvider.name})


class SandboxPayoutProvider:
    """The ``PayoutProvider`` of the sandbox."""

    name = "sandbox"

    def transfer_submit(self, *, reference: str, amount: Decimal, currency: str, payee: Payee) -> str:
        with transaction.atomic():
            existing = SandboxTransfer.objects.select_for_update().filter(reference=reference).first()
            if existing is not None:
                return existing.payout_id
            failure = "payee account closed" if _draw_failure() else ""
            transfer = SandboxTransfer.objects.create(
                payout_id=f"sbp_{secrets.token_hex(12)}", reference=reference, amount=amount, currency=currency,
                payee=f"{payee.masked_account} {payee.masked_name}"[:200], failure=failure,
                status=SandboxTransfer.Status.FAILED if failure else SandboxTransfer.Status.SUCCEEDED)
            _schedule(PAYOUT_FAILED if failure else PAYOUT_SUCCEEDED, payout_id=transfer.payout_id,
                      reference=reference, amount=str(amount), currency=currency, reason=failure)
        return transfer.payout_id

    def callback_verify(self, *, headers: Mapping[str, str], body: bytes,
                        now: datetime | None = None) -> ProviderEvent:
        lowered = {k.lower(): v for k, v in headers.items()}
        stamp = lowered.get(TIMESTAMP_HEADER.lower(), "")
        signature = lowered.get(SIGNATURE_HEADER.lower(), "")
        if not stamp or not signature or not signature_matches(secret=_secret(), timestamp=stamp, body=body,
                                                               signature=signature):
            raise CallbackRejected("wallets.callback_forged", "The payout callback's signature does not match.")
        try:
            signed_at = int(stamp)
        except ValueError:
            raise CallbackRejected("wallets.callback_malformed", "The callback's timestamp is not a number.") from None
        age = int((now or timezone.now()).timestamp()) - signed_at
        if abs(age) > STALE_AFTER_SECONDS:
            raise CallbackRejected("wallets.callback_stale",
                                   f"The callback was signed {age} seconds ago; more than {STALE_AFTER_SECONDS} "
                                   "either way is refused as a replay.", details={"age_seconds": age})
        return _event_parse(body)


def _event_parse(body: bytes) -> ProviderEvent:
    try:
        data = json.loads(body)
        kind = data["type"]
        if kind not in PAYOUT_EVENTS or not isinstance(data["amount"], str):
            raise ValueError(kind)
        fields = {name: str(data[name]) for name in ("event_id", "payout_id", "reference", "currency")}
        if not all(fields.values()):
            raise ValueError("empty field")
        amount = parse_amount(data["amount"])
        occurred_at = parse_datetime(data["occurred_at"]) if data.get("occurred_at") else None
    except (ValueError, KeyError, TypeError, InvalidInput):
        raise CallbackRejected("wallets.callback_malformed", "The callback's body is not a valid event.") from None
    return ProviderEvent(type=kind, amount=amount, occurred_at=occurred_at, reason=str(data.get("reason", "")),
                         **fields)


# ---- the outbox -----------------------------------------------------------------------------------------------

def _schedule(kind: str, **fields: str) -> list[SandboxPayoutCallback]:
    """Put one event in the outbox (with any duplicate) and have it sent after this transaction commits."""
    now = timezone.now()
    event_id = f"pevt_{secrets.token_hex(12)}"
    body = json.dumps({"event_id": event_id, "type": kind, **fields, "occurred_at": now.isoformat()},
                      ensure_ascii=False, separators=(",", ":"))
    with _state.lock:
        delays = delivery_delays(_state.behaviour, _state.rng)
    rows = SandboxPayoutCallback.objects.bulk_create([
        SandboxPayoutCallback(event_id=event_id, type=kind, body=body, copy=copy,
                              deliver_after=now + timedelta(seconds=delay)) for copy, delay in enumerate(delays)])
    due_times = sorted({row.deliver_after for row in rows})
    transaction.on_commit(lambda: _dispatch(due_times))
    return rows


def _dispatch(due_times: list[datetime]) -> None:
    from tuishou.wallets.tasks import sandbox_payout_callbacks_deliver

    backend = sandbox_payout_callbacks_deliver.get_backend()
    now = timezone.now()
    if any(at <= now for at in due_times):
        sandbox_payout_callbacks_deliver.enqueue()
    if backend.supports_defer:
        for at in due_times:
            if at > now:
                sandbox_payout_callbacks_deliver.using(run_after=at).enqueue()


def sandbox_payout_callbacks_deliver_due(*, now: datetime | None = None) -> list[SandboxPayoutCallback]:
    """Send every callback due by ``now`` (oldest first, or newest first with ``reorder``); answer them."""
    now = now or timezone.now()
    due = list(SandboxPayoutCallback.objects.filter(delivered_at=None, gave_up=False, deliver_after__lte=now)
               .order_by("deliver_after", "id"))
    if _state.behaviour.reorder:
        due.reverse()
    for callback in due:
        sandbox_payout_callback_deliver(callback=callback, now=now)
    return due


def sandbox_payout_callback_deliver(*, callback: SandboxPayoutCallback, now: datetime | None = None) -> int | None:
    """POST one callback to the webhook, signed now; record the answer and plan a retry on failure.

    Answers the HTTP status, or ``None`` when another worker had claimed this delivery or the POST failed.
    """
    now = now or timezone.now()
    claimed = SandboxPayoutCallback.objects.filter(pk=callback.pk, delivered_at=None, gave_up=False,
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
    SandboxPayoutCallback.objects.filter(pk=callback.pk).update(**changes)
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
