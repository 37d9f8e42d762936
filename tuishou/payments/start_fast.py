"""The fast payment start (issue 13), PostgreSQL only, for the sandbox gateway.

With ``TUISHOU["PAYMENT_START_FAST_PATH"]`` on, ``services.payment_start`` tries this first, after its own input
checks (amount, payable, key, return URL, gateway: their errors stay the services'). It writes what the services
write on their one ordinary path — a new payment for a payable that has no payment succeeded or open and whose
idempotency key is new, issued at once at the sandbox gateway — in ONE statement of data-modifying CTEs inside one
transaction, without model instances:

- the services' read of candidates (paid? the same key? open?) becomes a ``NOT EXISTS`` over the same condition;
- the payment is inserted already ``pending`` with its transaction id and pay URL (the services insert it
  ``created`` and commit, then lock it, open the charge and move it ``issue`` → ``pending``: two transactions,
  a re-read and an update), ``ON CONFLICT DO NOTHING`` on its unique indexes (the same key, an open payment of
  the payable) standing in for the services' retry after a lost race;
- its ``issue`` history row (created → pending) and the sandbox's charge (``payment-<id>``, open) are inserted
  from the payment's ``RETURNING`` in the same statement.

The services commit the payment before calling the gateway because a real gateway is outside the database: a
call that fails or times out must find the payment on a retry. The sandbox keeps its books in this database, so
one transaction holds both and a failure leaves neither. Any other gateway, a replay by the idempotency key, an
open or paid payment of the payable (the key's reuse, an amount changed, ``payments.already_paid``), or a
concurrent start that wins a unique index: nothing is written here and the services answer, exactly as before.
The property test ``tests/payments/test_start_fast.py`` compares the rows of both for random starts.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from tuishou.core.money import to_minor
from tuishou.payments.gateway import PaymentGateway, charge_description
from tuishou.payments.models import Payment, PaymentStatusChange
from tuishou.payments.sandbox import SandboxGateway, charge_pay_url, charge_txn_id
from tuishou.payments.sandbox_models import SandboxCharge

P = Payment.Status


def start_fast_enabled(gateway: PaymentGateway) -> bool:
    """The setting is on, the database is PostgreSQL (the embedded mode on SQLite keeps the services) and the
    gateway keeps its books in this database (the sandbox)."""
    return (bool(settings.TUISHOU.get("PAYMENT_START_FAST_PATH")) and connection.vendor == "postgresql"
            and isinstance(gateway, SandboxGateway))


def payment_start_fast(*, gateway: PaymentGateway, payable_type: str, payable_ref: str, amount: Decimal,
                       currency: str, idempotency_key: str, return_url: str, user_id: int | None,
                       description: str) -> Payment | None:
    """Write a new, issued payment and its sandbox charge in one statement; None (nothing written) when the
    payable or the key has a payment already, or a concurrent start won: the services decide then."""
    txn_id = charge_txn_id()
    pay_url = charge_pay_url(txn_id)
    now = timezone.now()
    payments, history, charges = (Payment._meta.db_table, PaymentStatusChange._meta.db_table,
                                  SandboxCharge._meta.db_table)
    minor = to_minor(amount)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"WITH payment AS ("
            f"INSERT INTO {payments} (user_id, payable_type, payable_ref, amount, currency, status, status_reason, "
            f"gateway, gateway_txn_id, pay_url, return_url, idempotency_key, created_at, updated_at, paid_at) "
            f"SELECT %s, %s, %s, %s, %s, %s, '', %s, %s, %s, %s, %s, %s, %s, NULL "
            f"WHERE NOT EXISTS (SELECT 1 FROM {payments} WHERE (payable_type = %s AND payable_ref = %s "
            f"AND status IN (%s, %s, %s)) OR idempotency_key = %s) "
            f"ON CONFLICT DO NOTHING RETURNING id), "
            f"issued AS (INSERT INTO {history} (event, from_status, to_status, actor_id, reason, created_at, "
            f"payment_id) SELECT 'issue', %s, %s, NULL, '', %s, id FROM payment), "
            f"charge AS (INSERT INTO {charges} (txn_id, reference, amount, currency, description, return_url, "
            f"status, failed_attempts, created_at, paid_at) "
            f"SELECT %s, 'payment-' || id, %s, %s, %s, %s, %s, 0, %s, NULL FROM payment) "
            f"SELECT id FROM payment",
            [user_id, payable_type, payable_ref, minor, currency, P.PENDING, gateway.name, txn_id, pay_url,
             return_url, idempotency_key, now, now,
             payable_type, payable_ref, P.SUCCEEDED, P.CREATED, P.PENDING, idempotency_key,
             P.CREATED, P.PENDING, now,
             txn_id, minor, currency, charge_description(description, payable_type, payable_ref)[:200], return_url,
             SandboxCharge.Status.OPEN, now])
        row = cursor.fetchone()
    if row is None:
        return None
    return Payment.from_db(connection.alias, None, [
        row[0], user_id, payable_type, payable_ref, amount, currency, P.PENDING, "", gateway.name, txn_id, pay_url,
        return_url, idempotency_key, now, now, None])
