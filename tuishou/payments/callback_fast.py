"""The fast paid path of a gateway's ``payment.succeeded`` callback (issue 13), PostgreSQL only.

With ``TUISHOU["PAID_FAST_PATH"]`` on, ``payment_callback_handle`` tries this first. It does what the reference
services (``services._payment_event_apply`` → ``_payment_succeed`` → the payable's handler) do on their one
ordinary path — a verified success for a pending (or failed) payment whose amount matches, whose event id is new,
and whose payable takes it — in ONE transaction of a few hand-written statements instead of the ORM's savepoints,
existence checks and model instances:

1. the payment, locked, with whether another payment of its payable already succeeded (one ``SELECT … FOR
   UPDATE``);
2. the event claimed in the log: ``INSERT … ON CONFLICT DO NOTHING RETURNING`` on the accepted-once index (the
   reference's existence check, savepoint and insert);
3. the payment moved to ``succeeded`` with its history row (one statement: ``UPDATE … RETURNING`` feeding the
   history ``INSERT``);
4. the payable's fast handler (``events.on_payment_succeeded_fast``), in the same transaction.

Anything else — a forged, stale or malformed body, another event type, an unknown transaction, an amount that
differs, a replayed event id, a payment already settled or a payable already paid by another, a payable whose
fast handler declines (cancelled, expired, paid already) — rolls this transaction back and answers None, and the
reference services handle the callback exactly as they always have (their rejections, duplicates, refusals and
automatic refunds). So the fast path is never the one that decides a contradictory or duplicate callback; it only
writes, faster, the rows the reference writes for an ordinary one (the property test in
``tests/orders/test_paid_fast.py`` compares them).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from tuishou.core.callback_log import CALLBACK_BODY_MAX, CallbackResult, headers_kept
from tuishou.core.money import from_minor, to_minor
from tuishou.payments import events
from tuishou.payments.gateway import PAYMENT_SUCCEEDED, CallbackRejected, PaymentGateway
from tuishou.payments.models import Payment, PaymentEvent, PaymentStatusChange

P = Payment.Status
PROCESSED = PaymentEvent.Outcome.PROCESSED


class _Declined(Exception):
    """Not the ordinary path: roll back and let the reference services decide."""


def fast_path_enabled() -> bool:
    """The setting is on and the database is PostgreSQL (the embedded mode on SQLite keeps the services)."""
    return bool(settings.TUISHOU.get("PAID_FAST_PATH")) and connection.vendor == "postgresql"


def payment_callback_fast(*, gateway: PaymentGateway, headers: Mapping[str, str], body: bytes,
                          now: datetime | None = None) -> CallbackResult | None:
    """Apply an ordinary ``payment.succeeded`` callback in one transaction; None when the reference must."""
    if len(body) > CALLBACK_BODY_MAX:
        return None
    try:
        event = gateway.callback_verify(headers=headers, body=body, now=now)
    except CallbackRejected:
        return None  # the reference verifies again and logs the rejection
    if event.type != PAYMENT_SUCCEEDED:
        return None
    try:
        with transaction.atomic():
            _apply(gateway.name, event, body.decode("utf-8", errors="replace"), headers_kept(headers))
    except _Declined:
        return None
    return CallbackResult(outcome=PROCESSED, event_id=event.event_id)


def _apply(gateway: str, event, body: str, headers: dict) -> None:
    payments, history, log = (Payment._meta.db_table, PaymentStatusChange._meta.db_table,
                              PaymentEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.id, p.status, p.amount, p.currency, p.payable_type, p.payable_ref, p.user_id, "
            f"EXISTS (SELECT 1 FROM {payments} o WHERE o.payable_type = p.payable_type "
            f"AND o.payable_ref = p.payable_ref AND o.status = %s AND o.id <> p.id) "
            f"FROM {payments} p WHERE p.gateway = %s AND p.gateway_txn_id = %s FOR UPDATE OF p",
            [P.SUCCEEDED, gateway, event.txn_id])
        found = cursor.fetchone()
        if found is None:
            raise _Declined
        payment_id, status, amount_minor, currency, payable_type, payable_ref, user_id, other_paid = found
        handler = events.fast_payment_handler(payable_type)
        if (handler is None or other_paid or status not in (P.PENDING, P.FAILED)
                or (to_minor(event.amount), event.currency) != (amount_minor, currency)):
            raise _Declined
        cursor.execute(
            f"INSERT INTO {log} (event_id, type, body, headers, signature_verified, outcome, reason, message, "
            f"received_at, gateway, txn_id, payment_id, refund_id) "
            f"VALUES (%s, %s, %s, %s::jsonb, true, %s, '', '', %s, %s, %s, %s, NULL) "
            f"ON CONFLICT (gateway, event_id) WHERE outcome IN ('processed', 'ignored') DO NOTHING RETURNING id",
            [event.event_id, event.type, body, json.dumps(headers), PROCESSED, timezone.now(), gateway,
             event.txn_id, payment_id])
        if cursor.fetchone() is None:
            raise _Declined  # a replay: the reference logs the duplicate
        paid_at = event.occurred_at or timezone.now()
        at = timezone.now()
        cursor.execute(
            f"WITH moved AS (UPDATE {payments} SET status = %s, status_reason = '', "
            f"paid_at = COALESCE(paid_at, %s), updated_at = %s WHERE id = %s AND status = %s RETURNING id) "
            f"INSERT INTO {history} (event, from_status, to_status, actor_id, reason, created_at, payment_id) "
            f"SELECT 'succeed', %s, %s, NULL, '', %s, id FROM moved RETURNING id",
            [P.SUCCEEDED, paid_at, at, payment_id, status, status, P.SUCCEEDED, at])
        if cursor.fetchone() is None:
            raise _Declined
    taken = handler(events.PaymentSucceeded(
        payment_id=payment_id, payable_type=payable_type, payable_ref=payable_ref, amount=from_minor(amount_minor),
        currency=currency, paid_at=paid_at, user_id=user_id))
    if not taken:
        raise _Declined
