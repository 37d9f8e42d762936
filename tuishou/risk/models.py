"""Risk: the audit log of operator actions (flags and velocity limits come with later issues)."""

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One operator (or system) action, append-only: who did what to which record, and why."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", help_text="Empty for actions the system took by itself.")
    action = models.CharField(max_length=64, db_index=True, help_text="Dotted verb, e.g. network.sponsor_corrected")
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}#{self.target_id}"
