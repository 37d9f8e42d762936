"""The log of received callbacks (回调日志) and exactly-once handling, for payment and payout callbacks alike.

Every callback a provider sends us is one row of its app's log (``ReceivedCallback``): processed, ignored (valid,
but the state had moved on), a duplicate, or rejected (forged, stale, malformed, contradicting our books). The
event id is unique among the *accepted* rows (processed or ignored) of one sender only — each log declares that
constraint with its sender field — so duplicates and rejections are rows of their own, and a forged callback
cannot squat on a genuine event's id. ``CallbackLog.receive`` runs the steps every callback goes through:
verify, log a rejection, claim the event id, apply, record the outcome.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuishou.core.errors import CoreError, DomainError, PayloadTooLarge

CALLBACK_BODY_MAX = 64 * 1024  # a provider's callback is a few hundred bytes
UNVERIFIED_BODY_KEPT = 1024  # what is kept of a body whose signature did not verify
HEADER_KEPT = 256


def _head(body: bytes) -> str:
    """The first ``UNVERIFIED_BODY_KEPT`` bytes of a body, saying how much more there was."""
    head = body[:UNVERIFIED_BODY_KEPT].decode("utf-8", errors="replace")
    return head if len(body) <= UNVERIFIED_BODY_KEPT else f"{head}… [{len(body) - UNVERIFIED_BODY_KEPT} bytes more]"


def headers_kept(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers a callback's log row keeps: the provider's own (``X-…``), at most 20, each cut to
    ``HEADER_KEPT`` characters."""
    return {k: v[:HEADER_KEPT] for k, v in list(headers.items())[:20] if k.lower().startswith("x-")}


class CallbackOutcome(models.TextChoices):
    PROCESSED = "processed", pgettext_lazy("CallbackOutcome", "Processed")
    IGNORED = "ignored", pgettext_lazy("CallbackOutcome", "Ignored (valid, but the state had moved on)")
    DUPLICATE = "duplicate", pgettext_lazy("CallbackOutcome", "Duplicate (already processed)")
    REJECTED = "rejected", pgettext_lazy("CallbackOutcome", "Rejected")


class ReceivedCallback(models.Model):
    """One callback as received (abstract): the app's log adds who sent it and what it is about."""

    Outcome = CallbackOutcome
    ACCEPTED = (Outcome.PROCESSED, Outcome.IGNORED)

    event_id = models.CharField(verbose_name=_("event id"), max_length=100, blank=True)
    type = models.CharField(verbose_name=_("type"), max_length=32, blank=True)
    body = models.TextField(verbose_name=_("body"))
    headers = models.JSONField(verbose_name=_("headers"),
                               default=dict, blank=True, help_text="The sender's own headers (signature, time).")
    signature_verified = models.BooleanField(verbose_name=_("signature verified"), default=False)
    outcome = models.CharField(verbose_name=_("outcome"), max_length=16, choices=Outcome.choices, db_index=True)
    reason = models.CharField(verbose_name=_("reason"),
                              max_length=64, blank=True, help_text="Stable code of a rejection or of an ignore.")
    message = models.TextField(verbose_name=_("message"), blank=True)
    received_at = models.DateTimeField(verbose_name=_("received at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-id"]


@dataclass(frozen=True)
class CallbackResult:
    """What became of a callback that was not rejected: processed, ignored (state had moved on) or duplicate."""

    outcome: str
    event_id: str
    reason: str = ""


class CallbackLog:
    """The writes of one app's log: ``model`` (a ``ReceivedCallback``) whose ``sender_field`` names the gateway or
    provider; ``id_fields`` are the body's ids worth keeping (with their column sizes) even when it is rejected;
    rejections are logged as "<noun> callback rejected" to the app's ``logger``."""

    def __init__(self, model: type[ReceivedCallback], *, sender_field: str, id_fields: Mapping[str, int],
                 noun: str, logger: logging.Logger) -> None:
        self.model = model
        self.sender_field = sender_field
        self.id_limits = {"event_id": 100, "type": 32, **id_fields}
        self.noun = noun
        self.logger = logger

    def receive(self, *, sender: str, headers: Mapping[str, str], body: bytes, verify: Callable[[], Any],
                identify: Callable[[Any], dict[str, str]], apply: Callable[[Any, dict[str, Any]], CallbackResult],
                rejected: type[DomainError], forged_code: str) -> CallbackResult:
        """Verify and apply one callback, exactly once per event id; every callback is logged.

        ``verify()`` answers the event or raises ``rejected``; ``identify(event)`` the ids to log with it;
        ``apply(event, row)`` runs in a transaction and answers through ``claim`` and ``settle``. A rejection,
        from either, is logged (as signature-verified unless its code is ``forged_code``) and raised again.
        """
        # Until its signature is verified a body is anybody's: only its head is kept (an unsigned 2 MB body stored
        # whole per request would fill the log), and one larger than any callback is refused unread (413).
        row: dict[str, Any] = {self.sender_field: sender, "body": _head(body), "headers": headers_kept(headers)}
        if len(body) > CALLBACK_BODY_MAX:
            too_large = PayloadTooLarge(CoreError.REQUEST_TOO_LARGE, limit=CALLBACK_BODY_MAX,
                                        details={"limit": CALLBACK_BODY_MAX})
            self.reject(row, too_large, verified=False)
            raise too_large
        row.update(self._unverified_ids(body))
        try:
            event = verify()
        except rejected as exc:
            self.reject(row, exc, verified=exc.code != forged_code)
            raise
        row.update(identify(event), signature_verified=True, body=body.decode("utf-8", errors="replace"))
        try:
            with transaction.atomic():
                return apply(event, row)
        except rejected as exc:
            self.reject(row, exc, verified=True)
            raise

    def _unverified_ids(self, body: bytes) -> dict[str, str]:
        """Ids read from a body not yet verified, only so a rejected callback can be found in the log."""
        try:
            data = json.loads(body)
        except ValueError:
            return {}
        if not isinstance(data, dict):
            return {}
        return {name: str(data.get(name, ""))[:size] for name, size in self.id_limits.items()}

    def reject(self, row: dict[str, Any], exc: DomainError, *, verified: bool) -> None:
        """Log a refused callback with the refusal's code and message."""
        self.model.objects.create(**{**row, "signature_verified": verified}, outcome=CallbackOutcome.REJECTED,
                                  reason=exc.code, message=exc.message)
        self.logger.warning("%s callback rejected: %s %s (%s)", self.noun, row.get("event_id", ""), exc.code,
                            exc.message)

    def claim(self, row: dict[str, Any]) -> ReceivedCallback | None:
        """Record the event as accepted, or answer ``None`` when it already was (the unique constraint decides)."""
        if self.model.objects.filter(**{self.sender_field: row[self.sender_field]}, event_id=row["event_id"],
                                     outcome__in=ReceivedCallback.ACCEPTED).exists():
            return None
        try:
            with transaction.atomic():
                return self.model.objects.create(**row, outcome=CallbackOutcome.PROCESSED)
        except IntegrityError:
            return None

    def settle(self, record: ReceivedCallback | None, row: dict[str, Any], outcome: str,
               reason: str = "") -> CallbackResult:
        """Finish a claimed event with its outcome, or log a duplicate when the claim found it taken (``None``)."""
        if record is None:
            self.model.objects.create(**row, outcome=CallbackOutcome.DUPLICATE)
            return CallbackResult(outcome=CallbackOutcome.DUPLICATE, event_id=row["event_id"])
        if outcome != CallbackOutcome.PROCESSED or reason:
            record.outcome, record.reason = outcome, reason
            record.save(update_fields=["outcome", "reason"])
        return CallbackResult(outcome=outcome, event_id=row["event_id"], reason=reason)
