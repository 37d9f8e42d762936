"""Test data for payments: payments started through the service, callbacks signed as the sandbox signs them."""

from __future__ import annotations

import itertools
import json
import time
from decimal import Decimal
from urllib.parse import urlsplit

from tuishou.accounts.models import User
from tuishou.accounts.services import user_create
from tuishou.payments import sandbox, services
from tuishou.payments.models import Payment
from tuishou.payments.sandbox_models import SandboxCallback

PAYABLE = "test-order"  # not "order": the real orders app may register its own handler for that
WEBHOOK = "/api/v1/payments/webhooks/sandbox"
RETURN_URL = "http://testserver/orders/done"  # an address of this shop: return URLs elsewhere are refused
_seq = itertools.count(1)


def user() -> User:
    return user_create(phone=f"137{next(_seq):08d}", password=None)


def payment(*, amount: str = "59.90", ref: str | None = None, key: str | None = None, user=None) -> Payment:
    """A pending payment with a sandbox charge behind it."""
    ref = ref or f"T{next(_seq)}"
    return services.payment_start(payable_type=PAYABLE, payable_ref=ref, amount=Decimal(amount),
                                  idempotency_key=key or f"pay-{ref}", return_url=RETURN_URL, user=user)


def pay_path(payment: Payment) -> str:
    return urlsplit(payment.pay_url).path


def refreshed(obj):
    obj.refresh_from_db()
    return obj


def paid(after_commit, **kwargs) -> Payment:
    """A payment the payer paid and whose callback was processed."""
    item = payment(**kwargs)
    with after_commit():
        sandbox.sandbox_charge_pay(txn_id=item.gateway_txn_id)
    return refreshed(item)


def event_body(**fields) -> bytes:
    """A callback body in the sandbox's shape."""
    return json.dumps(fields, separators=(",", ":")).encode()


def post_signed(client, body: bytes, *, timestamp: int | None = None, headers: dict | None = None):
    """POST ``body`` to the webhook the way the sandbox does (or with the ``headers`` given)."""
    sent = headers if headers is not None else sandbox.callback_headers(body, timestamp=timestamp)
    extra = {k: v for k, v in sent.items() if k.lower() != "content-type"}
    return client.post(WEBHOOK, data=body, content_type="application/json", headers=extra)


def first_delivery(event_type: str) -> SandboxCallback:
    return SandboxCallback.objects.filter(type=event_type, copy=0).order_by("id").first()


def now_ts() -> int:
    return int(time.time())
