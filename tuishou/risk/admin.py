from django.contrib import admin

from tuishou.core.admin_readonly import ReadOnlyAdmin
from tuishou.risk.models import AuditEntry, RiskFlag, RiskRule


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Append-only: nobody edits or deletes the audit log from the back office."""

    list_display = ["created_at", "action", "actor", "target_type", "target_id", "reason"]
    list_filter = ["action", "target_type", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["action", "target_id", "reason", "actor__username", "actor__phone"]
    date_hierarchy = "created_at"


@admin.register(RiskFlag)
class RiskFlagAdmin(ReadOnlyAdmin):
    """Read-only: flags are decided in the risk desk (/ops/risk/), where the commissions follow the decision."""

    list_display = ["id", "created_at", "rule", "subject_label", "community", "status", "decided_at"]
    list_filter = ["rule", "status"]
    search_fields = ["subject_label", "subject_key", "reason"]
    date_hierarchy = "created_at"


@admin.register(RiskRule)
class RiskRuleAdmin(ReadOnlyAdmin):
    """Read-only: thresholds are changed in the risk desk's rules page, validated against each rule's bounds."""

    list_display = ["code", "enabled", "params", "updated_by", "updated_at"]
