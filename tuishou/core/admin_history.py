"""The status history of an aggregate on its back-office page: who moved it, from what to what, when and why."""

from __future__ import annotations

from tuishou.core.admin_readonly import ReadOnlyInline
from tuishou.core.transitions import StatusChange

HISTORY_FIELDS = ("created_at", "event", "from_status", "to_status", "actor", "reason")


def status_history_inline(history: type[StatusChange]) -> type[ReadOnlyInline]:
    """A read-only inline listing ``history`` rows (a ``StatusChange`` table) on their aggregate's page."""
    return type(f"{history.__name__}Inline", (ReadOnlyInline,), {
        "model": history, "fields": HISTORY_FIELDS, "readonly_fields": HISTORY_FIELDS,
        "verbose_name_plural": "status history", "__module__": history.__module__})
