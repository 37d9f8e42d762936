"""The sandboxes' callbacks, delivered in process while the demo loads.

The sandbox gateway and the sandbox payout provider put signed callbacks in their outbox; a running server
receives them over HTTP at its webhooks. The loader has no server, so it lends each outbox a transport that
hands the signed body and headers to the very handler the webhook view calls (``payment_callback_handle``,
``payout_callback_handle``), synchronously, then marks the delivery done as the outbox does for a 2xx answer.
A callback the handler refuses stops the demo: the demo's money must be exactly what the services booked.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from django.conf import settings
from django.utils import timezone

from tuishou.payments import sandbox as payment_sandbox
from tuishou.payments.services import payment_callback_handle
from tuishou.wallets import sandbox as payout_sandbox
from tuishou.wallets.services import payout_callback_handle


def _payment_transport(path: str, body: bytes, headers: Mapping[str, str]) -> int:
    payment_callback_handle(gateway=payment_sandbox.SandboxGateway.name, headers=headers, body=body)
    return 200


def _payout_transport(path: str, body: bytes, headers: Mapping[str, str]) -> int:
    payout_callback_handle(provider=payout_sandbox.SandboxPayoutProvider.name, headers=headers, body=body)
    return 200


@contextmanager
def callbacks_in_process() -> Iterator[None]:
    """Well-behaved sandboxes whose callbacks go straight to the handlers while the block runs."""
    saved = settings.TUISHOU_OUTBOX_TRANSPORTS
    payment_sandbox.sandbox_behave()
    payout_sandbox.sandbox_payout_behave()
    settings.TUISHOU_OUTBOX_TRANSPORTS = {**saved, payment_sandbox.CHANNEL.name: _payment_transport,
                                          payout_sandbox.CHANNEL.name: _payout_transport}
    try:
        yield
    finally:
        settings.TUISHOU_OUTBOX_TRANSPORTS = saved


def payment_callbacks_deliver() -> int:
    """Deliver the gateway's callbacks that are due now; return how many."""
    return len(payment_sandbox.sandbox_callbacks_deliver_due(now=timezone.now()))


def payout_callbacks_deliver() -> int:
    """Deliver the payout provider's callbacks that are due now; return how many."""
    return len(payout_sandbox.sandbox_payout_callbacks_deliver_due(now=timezone.now()))
