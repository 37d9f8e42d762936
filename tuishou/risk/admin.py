from django.contrib import admin

from tuishou.core.admin_readonly import ReadOnlyAdmin
from tuishou.risk.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Append-only: nobody edits or deletes the audit log from the back office."""

    list_display = ["created_at", "action", "actor", "target_type", "target_id", "reason"]
    list_filter = ["action", "target_type", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["action", "target_id", "reason", "actor__username", "actor__phone"]
    date_hierarchy = "created_at"
