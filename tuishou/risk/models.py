"""Risk: the audit log of operator actions (flags and velocity limits come with later issues)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One operator (or system) action, append-only: who did what to which record, and why."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"),
                              null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", help_text="Empty for actions the system took by itself.")
    action = models.CharField(verbose_name=_("action"),
                              max_length=64, db_index=True, help_text="Dotted verb, e.g. network.sponsor_corrected")
    target_type = models.CharField(verbose_name=_("target type"), max_length=64)
    target_id = models.CharField(verbose_name=_("target id"), max_length=64)
    reason = models.TextField(verbose_name=_("reason"), blank=True)
    data = models.JSONField(verbose_name=_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}#{self.target_id}"
