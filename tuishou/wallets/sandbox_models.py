"""The payout sandbox's own books, kept apart from ours the way a real provider's are: the transfers it
accepted and its callbacks waiting to be delivered (its channel of the sandboxes' shared outbox, seen through a
proxy). Only ``tuishou.wallets.sandbox`` reads these."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuishou.core.fields import MoneyField
from tuishou.sandboxes.models import ChannelCallbacks, OutboxCallback

CHANNEL_NAME = "payout"  # this sandbox's rows in the shared outbox


class SandboxTransfer(models.Model):
    """A transfer the sandbox accepted; whether it went through is decided at once and called back later."""

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", pgettext_lazy("SandboxTransfer.Status", "Succeeded")
        FAILED = "failed", pgettext_lazy("SandboxTransfer.Status", "Failed")

    payout_id = models.CharField(verbose_name=_("payout id"), max_length=64, unique=True)
    reference = models.CharField(verbose_name=_("reference"),
                                 max_length=100, unique=True, help_text="The merchant's reference (out_biz_no).")
    amount = MoneyField(verbose_name=_("amount"))
    currency = models.CharField(verbose_name=_("currency"), max_length=3)
    payee = models.CharField(verbose_name=_("payee"),
                             max_length=200, help_text="Masked, as the sandbox has no need of the number.")
    status = models.CharField(verbose_name=_("status"), max_length=10, choices=Status.choices)
    failure = models.CharField(verbose_name=_("failure"), max_length=100, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sandbox transfer")
        verbose_name_plural = _("sandbox transfers")

    def __str__(self) -> str:
        return f"{self.payout_id} {self.amount} {self.status}"


class SandboxPayoutCallback(OutboxCallback):
    """The payout sandbox's callbacks in the shared outbox (one row per delivery; a duplicate is a second row)."""

    objects = ChannelCallbacks(CHANNEL_NAME)

    class Meta:
        verbose_name = _("sandbox payout callback")
        verbose_name_plural = _("sandbox payout callbacks")
        proxy = True
