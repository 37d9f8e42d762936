"""The SMS sandbox's record of what it would have sent (imported at the end of ``accounts.models``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SandboxSms(models.Model):
    """A text message the sandbox SMS provider recorded instead of sending (开发环境短信)."""

    phone = models.CharField(verbose_name=_("mobile phone"), max_length=20, db_index=True)
    text = models.CharField(verbose_name=_("message text"), max_length=500)
    sent_at = models.DateTimeField(verbose_name=_("sent at"), db_index=True)

    class Meta:
        verbose_name = _("sandbox text message")
        verbose_name_plural = _("sandbox text messages")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.phone} @ {self.sent_at:%Y-%m-%d %H:%M}"
