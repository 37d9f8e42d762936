"""The payout sandbox's own books, kept apart from ours the way a real provider's are: the transfers it
accepted and its outbox of callbacks waiting to be delivered. Only ``tuishou.wallets.sandbox`` reads these."""

from __future__ import annotations

from django.db import models

from tuishou.core.fields import MoneyField


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


class SandboxPayoutCallback(models.Model):
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
