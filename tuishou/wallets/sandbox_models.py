"""The payout sandbox's own books, kept apart from ours the way a real provider's are: the transfers it
accepted and its callbacks waiting to be delivered (its channel of the sandboxes' shared outbox, seen through a
proxy). Only ``tuishou.wallets.sandbox`` reads these."""

from __future__ import annotations

from django.db import models

from tuishou.core.fields import MoneyField
from tuishou.sandboxes.models import ChannelCallbacks, OutboxCallback

CHANNEL_NAME = "payout"  # this sandbox's rows in the shared outbox


class SandboxTransfer(models.Model):
    """A transfer the sandbox accepted; whether it went through is decided at once and called back later."""

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    payout_id = models.CharField(max_length=64, unique=True)
    reference = models.CharField(max_length=100, unique=True, help_text="The merchant's reference (out_biz_no).")
    amount = MoneyField()
    currency = models.CharField(max_length=3)
    payee = models.CharField(max_length=200, help_text="Masked, as the sandbox has no need of the number.")
    status = models.CharField(max_length=10, choices=Status.choices)
    failure = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.payout_id} {self.amount} {self.status}"


class SandboxPayoutCallback(OutboxCallback):
    """The payout sandbox's callbacks in the shared outbox (one row per delivery; a duplicate is a second row)."""

    objects = ChannelCallbacks(CHANNEL_NAME)

    class Meta:
        proxy = True
