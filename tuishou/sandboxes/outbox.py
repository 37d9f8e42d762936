"""The sandboxes' callback outbox (沙箱回调发件箱): how a sandbox tells us what happened, the way real providers do.

A sandbox (the payment gateway's in ``tuishou.payments.sandbox``, the payout provider's in
``tuishou.wallets.sandbox``) declares one ``OutboxChannel``: its name (the ``channel`` of its rows), its webhook,
its secret and header prefix for signing, the prefix of its event ids, the django-tasks task that delivers its
callbacks, and how it misbehaves (an ``OutboxBehaviour``). Then:

* ``schedule`` puts one event in the outbox — with a duplicate and a delay when the behaviour says so,
  drawn from the channel's seeded random source — and has it sent after the transaction commits: a deferred task
  (``run_after``) where the task backend supports it, otherwise whenever ``deliver_due`` runs (tests call it
  with a ``now`` in the future to let delayed callbacks through);
* ``deliver_due`` sends what is due (oldest first, newest first with ``reorder``);
* ``deliver`` claims one delivery (so two workers never send it twice), POSTs it signed now,
  and records the answer: delivered on a 2xx, otherwise retried after 30 s, 60 s, 120 s … until the
  ``MAX_ATTEMPTS``-th attempt, when it gives up.

In tests (``settings.TESTING``) callbacks go through Django's test client in process; otherwise they are POSTed
with ``urllib`` to ``TUISHOU_PUBLIC_URL``. ``settings.TUISHOU_OUTBOX_TRANSPORTS`` (channel name → a transport or
its dotted path) wins over both: a deployment can route a sandbox elsewhere, and a test captures deliveries
by overriding the setting for its own duration (pytest-django's ``settings`` fixture puts it back).
"""

from __future__ import annotations

import json
import random
import secrets
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.module_loading import import_string

from tuishou.core.errors import InvalidInput
from tuishou.core.money import parse_amount
from tuishou.core.signing import signed_headers
from tuishou.sandboxes.models import OutboxCallback

MAX_ATTEMPTS = 6
RETRY_BASE_SECONDS = 30
Transport = Callable[[str, bytes, Mapping[str, str]], int]


@dataclass(frozen=True, kw_only=True)
class OutboxBehaviour:
    """How a sandbox misbehaves. ``duplicate_rate``: chance (0–1) that an event is delivered a second time;
    ``delay_seconds``: each delivery waits a whole number of seconds drawn from this range (inclusive);
    ``reorder``: callbacks due together go newest first; ``seed``: makes all of it repeatable. A sandbox adds
    its own failure rates in a subclass and lists them in ``rates``."""

    duplicate_rate: float = 0.0
    delay_seconds: tuple[int, int] = (0, 0)
    reorder: bool = False
    seed: int = 0

    def rates(self) -> tuple[float, ...]:
        """Every chance this behaviour holds (each must be within 0–1)."""
        return (self.duplicate_rate,)

    def __post_init__(self) -> None:
        low, high = self.delay_seconds
        if not all(0 <= rate <= 1 for rate in self.rates()) or not 0 <= low <= high:
            raise ValueError("rates must be within 0–1 and delay_seconds a range (low ≤ high, ≥ 0)")


def delivery_delays(behaviour: OutboxBehaviour, rng: random.Random) -> list[int]:
    """Seconds until each delivery of one event: the first, then a duplicate (a redelivery, so it comes later)."""
    low, high = behaviour.delay_seconds
    delays = [rng.randint(low, high)]
    if behaviour.duplicate_rate and rng.random() < behaviour.duplicate_rate:
        delays.append(delays[0] + rng.randint(low, high))
    return delays


class OutboxChannel:
    """One sandbox's side of the outbox: where its callbacks go, how they are signed, how it misbehaves.

    ``secret`` and ``webhook_path`` are called, and the transport looked up (``transport``), at each delivery, so
    settings changed in a test take effect at once; ``task`` is the django-tasks task that runs ``deliver_due``
    for this channel; ``behaviour`` is how it behaves until told otherwise (``behave``).
    """

    def __init__(self, *, name: str, event_prefix: str, header_prefix: str, secret: Callable[[], str],
                 webhook_path: Callable[[], str], task: Any, behaviour: OutboxBehaviour) -> None:
        self.name = name
        self.event_prefix = event_prefix
        self.header_prefix = header_prefix
        self.secret = secret
        self.webhook_path = webhook_path
        self.task = task
        self.default_behaviour = behaviour
        self.behave()

    # ---- mischief ----------------------------------------------------------------------------------------------

    def behave(self, behaviour: OutboxBehaviour | None = None) -> OutboxBehaviour:
        """Set (and re-seed) how the sandbox behaves from now on; no argument restores good behaviour."""
        behaviour = behaviour or self.default_behaviour
        self.behaviour, self._rng, self._lock = behaviour, random.Random(behaviour.seed), threading.Lock()
        return behaviour

    def chance(self, rate: float) -> bool:
        """True with probability ``rate``, from the channel's seeded source (a transfer or refund that fails)."""
        with self._lock:
            return bool(rate) and self._rng.random() < rate

    def delays(self) -> list[int]:
        """The delays of one event's deliveries, from the channel's seeded source."""
        with self._lock:
            return delivery_delays(self.behaviour, self._rng)

    def headers(self, body: bytes | str, *, timestamp: int | str | None = None) -> dict[str, str]:
        """The headers the sandbox sends with ``body``, signed at ``timestamp`` (now by default)."""
        return signed_headers(body, secret=self.secret(), header_prefix=self.header_prefix, timestamp=timestamp)

    # ---- the outbox --------------------------------------------------------------------------------------------

    def schedule(self, kind: str, **fields: str) -> list[OutboxCallback]:
        """Put one event in the outbox (with any duplicate) and have it sent after this transaction commits."""
        now = timezone.now()
        event_id = f"{self.event_prefix}{secrets.token_hex(12)}"
        body = json.dumps({"event_id": event_id, "type": kind, **fields, "occurred_at": now.isoformat()},
                          ensure_ascii=False, separators=(",", ":"))
        rows = OutboxCallback.objects.bulk_create([
            OutboxCallback(channel=self.name, event_id=event_id, type=kind, body=body, copy=copy,
                           deliver_after=now + timedelta(seconds=delay)) for copy, delay in enumerate(self.delays())])
        due_times = sorted({row.deliver_after for row in rows})
        transaction.on_commit(lambda: self._dispatch(due_times))
        return rows

    def _dispatch(self, due_times: list[datetime]) -> None:
        now = timezone.now()
        if any(at <= now for at in due_times):
            self.task.enqueue()
        if self.task.get_backend().supports_defer:
            for at in due_times:
                if at > now:
                    self.task.using(run_after=at).enqueue()

    def deliver_due(self, *, now: datetime | None = None) -> list[OutboxCallback]:
        """Send every callback due by ``now`` (oldest first, or newest first with ``reorder``); answer them."""
        now = now or timezone.now()
        due = list(OutboxCallback.objects.filter(channel=self.name, delivered_at=None, gave_up=False,
                                                 deliver_after__lte=now).order_by("deliver_after", "id"))
        if self.behaviour.reorder:
            due.reverse()
        for callback in due:
            self.deliver(callback=callback, now=now)
        return due

    def deliver(self, *, callback: OutboxCallback, now: datetime | None = None) -> int | None:
        """POST one callback to the webhook, signed now; record the answer and plan a retry on failure.

        Answers the HTTP status, or ``None`` when another worker had claimed this delivery or the POST failed.
        """
        now = now or timezone.now()
        claimed = OutboxCallback.objects.filter(pk=callback.pk, delivered_at=None, gave_up=False,
                                                attempts=callback.attempts).update(
            attempts=F("attempts") + 1, last_attempt_at=timezone.now())
        if not claimed:
            return None
        body = callback.body.encode()
        status, error = None, ""
        try:
            transport = self.transport()
            status = transport(self.webhook_path(), body, self.headers(body))
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
        OutboxCallback.objects.filter(pk=callback.pk).update(**changes)
        if "deliver_after" in changes:
            transaction.on_commit(lambda: self._dispatch([changes["deliver_after"]]))
        callback.refresh_from_db()
        return status

    def transport(self) -> Transport:
        """How this channel's callbacks are sent now: ``settings.TUISHOU_OUTBOX_TRANSPORTS[name]`` (a transport or
        its dotted path) when set, else in process under tests and over HTTP otherwise."""
        configured = getattr(settings, "TUISHOU_OUTBOX_TRANSPORTS", {}).get(self.name)
        if configured is None:
            return _transport()
        return import_string(configured) if isinstance(configured, str) else configured


def event_body_parse(body: bytes, *, kinds: frozenset[str], required: tuple[str, ...]) -> tuple[dict, dict]:
    """Read a callback body in the outbox's shape: answer the raw data and the checked fields — ``type`` (one of
    ``kinds``), ``amount`` (a decimal string, as a ``Decimal``), ``occurred_at`` (or ``None``) and each of
    ``required`` (non-empty, as text). Raises ``ValueError`` for anything else; the sandbox names the code."""
    try:
        data = json.loads(body)
        kind = data["type"]
        if kind not in kinds or not isinstance(data["amount"], str):
            raise ValueError(kind)
        fields = {name: str(data[name]) for name in required}
        if not all(fields.values()):
            raise ValueError("empty field")
        occurred_at = parse_datetime(data["occurred_at"]) if data.get("occurred_at") else None
        return data, {**fields, "type": kind, "amount": parse_amount(data["amount"]), "occurred_at": occurred_at}
    except (KeyError, TypeError, InvalidInput) as exc:
        raise ValueError("not an event body") from exc


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
