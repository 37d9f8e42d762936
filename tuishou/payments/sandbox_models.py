"""The sandbox gateway's own books, kept apart from ours the way a real gateway's are: its charges, its refunds
and its callbacks waiting to be delivered (its channel of the sandboxes' shared outbox, seen through a proxy).
Nothing in payments' services reads these tables; only ``tuishou.payments.sandbox`` does."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuishou.core.fields import MoneyField
from tuishou.sandboxes.models import ChannelCallbacks, OutboxCallback

CHANNEL_NAME = "payment"  # this sandbox's rows in the shared outbox


class SandboxCharge(models.Model):
    """A charge the sandbox opened: the payer confirms or fails it on the pay page."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("SandboxCharge.Status", "Open (waiting for the payer)")
        PAID = "paid", pgettext_lazy("SandboxCharge.Status", "Paid")

    txn_id = models.CharField(verbose_name=_("txn id"), max_length=64, unique=True)
    reference = models.CharField(verbose_name=_("reference"),
                                 max_length=100, help_text="The merchant's reference (our payment id).")
    amount = MoneyField(verbose_name=_("amount"))
    currency = models.CharField(verbose_name=_("currency"), max_length=3)
    description = models.CharField(verbose_name=_("description"), max_length=200, blank=True)
    return_url = models.CharField(verbose_name=_("return url"), max_length=500, blank=True)
    status = models.CharField(verbose_name=_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    failed_attempts = models.PositiveIntegerField(verbose_name=_("failed attempts"), default=0)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    paid_at = models.DateTimeField(verbose_name=_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sandbox charge")
        verbose_name_plural = _("sandbox charges")

    def __str__(self) -> str:
        return f"{self.txn_id} {self.amount} {self.status}"


class SandboxRefund(models.Model):
    """A refund the sandbox accepted; its outcome is called back later."""

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", pgettext_lazy("SandboxRefund.Status", "Succeeded")
        FAILED = "failed", pgettext_lazy("SandboxRefund.Status", "Failed")

    refund_id = models.CharField(verbose_name=_("refund id"), max_length=64, unique=True)
    charge = models.ForeignKey(SandboxCharge, verbose_name=_("charge"),
                               on_delete=models.PROTECT, related_name="refunds")
    reference = models.CharField(verbose_name=_("reference"),
                                 max_length=100, help_text="The merchant's refund reference (out_refund_no).")
    amount = MoneyField(verbose_name=_("amount"))
    status = models.CharField(verbose_name=_("status"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sandbox refund")
        verbose_name_plural = _("sandbox refunds")
        constraints = [models.UniqueConstraint(fields=["charge", "reference"], name="sandbox_refund_reference")]

    def __str__(self) -> str:
        return f"{self.refund_id} {self.amount} {self.status}"


class SandboxCallback(OutboxCallback):
    """The sandbox gateway's callbacks in the shared outbox (one row per delivery; a duplicate is a second row)."""

    objects = ChannelCallbacks(CHANNEL_NAME)

    class Meta:
        verbose_name = _("sandbox callback")
        verbose_name_plural = _("sandbox callbacks")
        proxy = True
