"""The sandbox gateway's own books, kept apart from ours the way a real gateway's are: its charges, its refunds
and its callbacks waiting to be delivered (its channel of the sandboxes' shared outbox, seen through a proxy).
Nothing in payments' services reads these tables; only ``tuishou.payments.sandbox`` does."""

from __future__ import annotations

from django.db import models

from tuishou.core.fields import MoneyField
from tuishou.sandboxes.models import ChannelCallbacks, OutboxCallback

CHANNEL_NAME = "payment"  # this sandbox's rows in the shared outbox


class SandboxCharge(models.Model):
    """A charge the sandbox opened: the payer confirms or fails it on the pay page."""

    class Status(models.TextChoices):
        OPEN = "open", "Open (waiting for the payer)"
        PAID = "paid", "Paid"

    txn_id = models.CharField(max_length=64, unique=True)
    reference = models.CharField(max_length=100, help_text="The merchant's reference (our payment id).")
    amount = MoneyField()
    currency = models.CharField(max_length=3)
    description = models.CharField(max_length=200, blank=True)
    return_url = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    failed_attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.txn_id} {self.amount} {self.status}"


class SandboxRefund(models.Model):
    """A refund the sandbox accepted; its outcome is called back later."""

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    refund_id = models.CharField(max_length=64, unique=True)
    charge = models.ForeignKey(SandboxCharge, on_delete=models.PROTECT, related_name="refunds")
    reference = models.CharField(max_length=100, help_text="The merchant's refund reference (out_refund_no).")
    amount = MoneyField()
    status = models.CharField(max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["charge", "reference"], name="sandbox_refund_reference")]

    def __str__(self) -> str:
        return f"{self.refund_id} {self.amount} {self.status}"


class SandboxCallback(OutboxCallback):
    """The sandbox gateway's callbacks in the shared outbox (one row per delivery; a duplicate is a second row)."""

    objects = ChannelCallbacks(CHANNEL_NAME)

    class Meta:
        proxy = True
