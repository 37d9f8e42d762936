"""The message centre (消息中心): messages to one person, and announcements to many.

A ``Message`` stores what happened (``kind``) and its facts (``params``: order number, amount, rank…), never a
rendered sentence: the text is written in the reader's language when it is shown (``tuishou.notifications.
texts``). ``key`` makes each event produce one message per person however often its task runs.

An ``Announcement`` is one row for everybody it is addressed to (the whole platform, or one community's
promoters); who has read it is an ``AnnouncementRead`` receipt, so publishing to 100,000 promoters writes one
row, not 100,000.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Message(models.Model):
    class Kind(models.TextChoices):
        COMMISSION_NEW = "commission_new", pgettext_lazy("Message.Kind", "New commission")
        COMMISSION_AVAILABLE = "commission_available", pgettext_lazy("Message.Kind", "Commission available")
        COMMISSION_REDUCED = "commission_reduced", pgettext_lazy("Message.Kind", "Commission reduced by a refund")
        WITHDRAWAL_PAID = "withdrawal_paid", pgettext_lazy("Message.Kind", "Withdrawal paid")
        WITHDRAWAL_REFUSED = "withdrawal_refused", pgettext_lazy("Message.Kind", "Withdrawal refused")
        WITHDRAWAL_FAILED = "withdrawal_failed", pgettext_lazy("Message.Kind", "Withdrawal failed")
        TEAM_JOINED = "team_joined", pgettext_lazy("Message.Kind", "New team member")
        RANK_CHANGED = "rank_changed", pgettext_lazy("Message.Kind", "Rank changed")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"),
                                  on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(verbose_name=_("kind"), max_length=32, choices=Kind.choices)
    params = models.JSONField(verbose_name=_("params"), default=dict, blank=True)
    key = models.CharField(verbose_name=_("key"),
                           max_length=160, unique=True, help_text="One message per event and person, ever.")
    created_at = models.DateTimeField(verbose_name=_("created at"), db_index=True)
    read_at = models.DateTimeField(verbose_name=_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "-created_at"], name="message_recipient_idx"),
                   models.Index(fields=["recipient"], condition=Q(read_at__isnull=True),
                                name="message_unread_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient_id}"


class Announcement(models.Model):
    """公告: from the platform to everyone (``community`` empty) or from an agency to its own promoters."""

    community = models.ForeignKey("network.Community", verbose_name=_("community"),
                                  null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="announcements",
                                  help_text="Empty: the whole platform. Otherwise: this community's promoters.")
    title = models.CharField(verbose_name=_("title"), max_length=80)
    body = models.TextField(verbose_name=_("body"), max_length=4000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"),
                               on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(verbose_name=_("published at"), db_index=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class AnnouncementRead(models.Model):
    """A read receipt: ``user`` has read ``announcement``."""

    announcement = models.ForeignKey(Announcement, verbose_name=_("announcement"),
                                     on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(verbose_name=_("read at"))

    class Meta:
        verbose_name = _("announcement read")
        verbose_name_plural = _("announcement reads")
        constraints = [models.UniqueConstraint(fields=["announcement", "user"], name="announcement_read_once")]

    def __str__(self) -> str:
        return f"{self.announcement_id} read by {self.user_id}"
