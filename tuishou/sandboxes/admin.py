"""Back office for the sandboxes' outbox: the read-only page each sandbox registers for its channel's proxy."""

from __future__ import annotations

from tuishou.core.admin_readonly import ReadOnlyAdmin


class OutboxCallbackAdmin(ReadOnlyAdmin):
    """A sandbox's outbox (what it sent us and when), for demos and debugging; rows change only by delivery."""

    list_display = ["created_at", "type", "event_id", "copy", "deliver_after", "attempts", "last_status",
                    "delivered_at", "gave_up"]
    list_filter = ["type", "gave_up"]
    search_fields = ["event_id", "body"]
