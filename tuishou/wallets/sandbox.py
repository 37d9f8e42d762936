"""The payout sandbox (沙箱出款): behaves like a real payout provider, on this machine.

It accepts transfers into its own books (``sandbox_models``), decides at once whether each goes through, and
tells us only through signed, asynchronous callbacks to our webhook (``POST /api/v1/wallets/payouts/webhooks/
sandbox``) — each with a unique event id and headers ``X-Payout-Timestamp`` and ``X-Payout-Signature`` (hex
HMAC-SHA256 of ``f"{timestamp}.{body}"`` with ``TUISHOU_SANDBOX_PAYOUT_SECRET``, see ``tuishou.core.signing``).
Its callbacks are channel ``payout`` of the sandboxes' shared outbox (``tuishou.sandboxes.outbox``), which sends,
retries and, in tests, lets ``sandbox_payout_callbacks_deliver_due(now=…)`` release delayed ones.

``SandboxPayoutBehaviour`` makes it misbehave the way real providers do, repeatably from a seed: the outbox's
duplicates, delays and ``reorder``, and a share of transfers that fail (the payee's account is closed).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django_tasks import task

from tuishou.core.signing import signature_verify
from tuishou.core.statements import StatementLine, day_bounds
from tuishou.sandboxes.outbox import MAX_ATTEMPTS as MAX_ATTEMPTS  # this sandbox's figures, for its callers
from tuishou.sandboxes.outbox import OutboxBehaviour, OutboxChannel, event_body_parse
from tuishou.sandboxes.outbox import delivery_delays as delivery_delays
from tuishou.wallets.errors import WalletError
from tuishou.wallets.payouts import (
    PAYOUT_EVENTS,
    PAYOUT_FAILED,
    PAYOUT_SUCCEEDED,
    CallbackRejected,
    ProviderEvent,
)
from tuishou.wallets.rules import Payee
from tuishou.wallets.sandbox_models import CHANNEL_NAME, SandboxTransfer
from tuishou.wallets.sandbox_models import SandboxPayoutCallback as SandboxPayoutCallback  # for callers

HEADER_PREFIX = "X-Payout"  # the headers are X-Payout-Timestamp and X-Payout-Signature


@dataclass(frozen=True, kw_only=True)
class SandboxPayoutBehaviour(OutboxBehaviour):
    """How the sandbox misbehaves: the outbox's mischief (``duplicate_rate``, ``delay_seconds``, ``reorder``,
    ``seed``) and ``failure_rate``: chance a transfer fails (the payee's account is closed)."""

    failure_rate: float = 0.0

    def rates(self) -> tuple[float, ...]:
        return (self.duplicate_rate, self.failure_rate)


@task()
def sandbox_payout_callbacks_deliver() -> int:
    """The payout sandbox sends the callbacks that are due; answers how many it tried (the worker runs it: the
    channel enqueues it after commit, and again when a delayed or retried callback falls due)."""
    return len(CHANNEL.deliver_due())


CHANNEL = OutboxChannel(
    name=CHANNEL_NAME, event_prefix="pevt_", header_prefix=HEADER_PREFIX, task=sandbox_payout_callbacks_deliver,
    secret=lambda: settings.TUISHOU_SANDBOX_PAYOUT_SECRET,
    webhook_path=lambda: reverse("api-v1:wallets_payout_webhook",
                                 kwargs={"provider_name": SandboxPayoutProvider.name}),
    behaviour=SandboxPayoutBehaviour())


# This sandbox's side of the outbox, under the names its callers (tests, its task, the demo) use.
sandbox_payout_behave = CHANNEL.behave  # no argument restores good behaviour
callback_headers = CHANNEL.headers
sandbox_payout_callbacks_deliver_due = CHANNEL.deliver_due
sandbox_payout_callback_deliver = CHANNEL.deliver


class SandboxPayoutProvider:
    """The ``PayoutProvider`` of the sandbox."""

    name = "sandbox"

    def transfer_submit(self, *, reference: str, amount: Decimal, currency: str, payee: Payee) -> str:
        with transaction.atomic():
            existing = SandboxTransfer.objects.select_for_update().filter(reference=reference).first()
            if existing is not None:
                return existing.payout_id
            failure = "payee account closed" if CHANNEL.chance(CHANNEL.behaviour.failure_rate) else ""
            transfer = SandboxTransfer.objects.create(
                payout_id=f"sbp_{secrets.token_hex(12)}", reference=reference, amount=amount, currency=currency,
                payee=f"{payee.masked_account} {payee.masked_name}"[:200], failure=failure,
                status=SandboxTransfer.Status.FAILED if failure else SandboxTransfer.Status.SUCCEEDED)
            CHANNEL.schedule(PAYOUT_FAILED if failure else PAYOUT_SUCCEEDED, payout_id=transfer.payout_id,
                            reference=reference, amount=str(amount), currency=currency, reason=failure)
        return transfer.payout_id

    def callback_verify(self, *, headers: Mapping[str, str], body: bytes,
                        now: datetime | None = None) -> ProviderEvent:
        signature_verify(headers=headers, body=body, secret=CHANNEL.secret(), header_prefix=HEADER_PREFIX,
                         codes=WalletError, error=CallbackRejected, now=now)
        return _event_parse(body)

    def statement(self, day: date) -> list[StatementLine]:
        start, end = day_bounds(day)
        return [StatementLine(kind="payout", reference=t.reference, provider_id=t.payout_id, amount=t.amount,
                              currency=t.currency, state=t.status, at=t.created_at)
                for t in SandboxTransfer.objects.filter(created_at__gte=start, created_at__lt=end).order_by("id")]


def _event_parse(body: bytes) -> ProviderEvent:
    try:
        data, fields = event_body_parse(body, kinds=PAYOUT_EVENTS, required=("event_id", "payout_id", "reference",
                                                                               "currency"))
    except ValueError:
        raise CallbackRejected(WalletError.CALLBACK_MALFORMED) from None
    return ProviderEvent(reason=str(data.get("reason", "")), **fields)
