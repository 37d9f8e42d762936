"""The sandbox gateway's own books, kept apart from ours the way a real gateway's are: its charges, its refunds
and its outbox of callbacks waiting to be delivered. Nothing in payments' services reads these tables; only
``tuishou.payments.sandbox`` does."""

from __future__ import annotations

from django.db import models

from tuishou.core.fields import MoneyField


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


class SandboxCallback(models.Model):
    """One delivery of one event (a duplicate is a second row with the same event id) waiting in the outbox."""

    event_id = models.CharField(max_length=100, db_index=True)
    type = models.CharField(max_length=32)
    body = models.TextField()
    copy = models.PositiveSmallIntegerField(default=0, help_text="0 for the first delivery, 1… for duplicates.")
    deliver_after = models.DateTimeField(db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    gave_up = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deliver_after", "id"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id} copy {self.copy}"
