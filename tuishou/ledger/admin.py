"""Back office for the ledger: read-only views of accounts and entries (the ledger changes only by posting)."""

from django.contrib import admin

from tuishou.core.admin_readonly import ReadOnlyAdmin, ReadOnlyInline
from tuishou.ledger.models import Account, JournalEntry, JournalLine


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["key", "kind", "promoter", "merchant", "balance", "amount", "line_count", "created_at"]
    list_filter = ["kind", "currency"]
    search_fields = ["key", "promoter__invite_code", "promoter__user__phone", "promoter__user__username",
                     "merchant__name", "merchant__credit_code"]
    list_select_related = ["promoter__user", "merchant"]
    readonly_fields = ["key", "kind", "promoter", "merchant", "currency", "balance", "amount", "line_count",
                       "created_at"]

    @admin.display(description="amount (normal side)")
    def amount(self, obj):
        return obj.amount


class JournalLineInline(ReadOnlyInline):
    model = JournalLine
    fields = ["account", "amount", "order_ref", "order_line_ref", "plan_id", "plan_version", "rule", "rate", "base"]
    readonly_fields = fields


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "kind", "key", "memo", "actor", "reverses"]
    list_filter = ["kind", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["key", "memo", "lines__order_ref", "lines__account__key"]
    date_hierarchy = "created_at"
    readonly_fields = ["kind", "key", "memo", "actor", "reverses", "created_at"]
    inlines = [JournalLineInline]
    list_select_related = ["actor", "reverses"]
