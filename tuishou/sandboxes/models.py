"""The sandboxes' shared outbox (沙箱回调发件箱): callbacks waiting to be delivered to our webhooks.

Every sandbox (the payment gateway's, the payout provider's) writes its callbacks here under its own
``channel``; nothing outside ``tuishou.sandboxes.outbox`` and the sandboxes themselves reads these rows. A sandbox
that wants its callbacks as a model of its own (for its admin page, for its tests) declares a proxy whose manager
is ``ChannelCallbacks(<its channel>)``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxCallback(models.Model):
    """One delivery of one event (a duplicate is a second row with the same event id) waiting in the outbox."""

    channel = models.CharField(verbose_name=_("channel"),
                               max_length=32, help_text="Which sandbox sends it (payment, payout).")
    event_id = models.CharField(verbose_name=_("event id"), max_length=100, db_index=True)
    type = models.CharField(verbose_name=_("type"), max_length=32)
    body = models.TextField(verbose_name=_("body"))
    copy = models.PositiveSmallIntegerField(verbose_name=_("copy"),
                                            default=0, help_text="0 for the first delivery, 1… for duplicates.")
    deliver_after = models.DateTimeField(verbose_name=_("deliver after"))
    attempts = models.PositiveSmallIntegerField(verbose_name=_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(verbose_name=_("last attempt at"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(verbose_name=_("last status"), null=True, blank=True)
    last_error = models.CharField(verbose_name=_("last error"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(verbose_name=_("delivered at"), null=True, blank=True)
    gave_up = models.BooleanField(verbose_name=_("gave up"), default=False)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("outbox callback")
        verbose_name_plural = _("outbox callbacks")
        ordering = ["deliver_after", "id"]
        indexes = [models.Index(fields=["channel", "deliver_after"], name="outbox_channel_due_idx")]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id} copy {self.copy}"


class ChannelCallbacks(models.Manager):
    """One channel's callbacks: reads see only its rows, and rows created through it belong to it."""

    def __init__(self, channel: str) -> None:
        super().__init__()
        self.channel = channel

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(channel=self.channel)

    def create(self, **fields):
        """Create a callback in this channel (``channel`` need not be given)."""
        return super().create(**{"channel": self.channel, **fields})
