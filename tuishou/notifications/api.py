"""API routes of the message centre: my messages (unread first), mark one read, mark all read."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from tuishou.accounts.permissions import require_user
from tuishou.core.api_roles import CONSUMER, allowed
from tuishou.notifications import selectors, services
from tuishou.notifications.schemas import InboxOut, InboxQuery, MessageOut, ReadAllOut, message_out

router = Router(tags=["notifications"])


@router.get("", response=InboxOut, openapi_extra=allowed(CONSUMER))
def my_messages(request: HttpRequest, query: Query[InboxQuery]):
    """My messages, unread first, newest first; ``unread`` counts unread messages and announcements."""
    user = require_user(request.user)
    messages = selectors.inbox(user, unread_only=query.unread)
    return {"count": messages.count(), "unread": selectors.unread_count(user),
            "items": [message_out(m) for m in messages[query.offset:query.offset + query.limit]]}


@router.post("/{int:message_id}/read", response=MessageOut, openapi_extra=allowed(CONSUMER))
def read_one(request: HttpRequest, message_id: int):
    """Mark one of my messages read (another person's: 404)."""
    return message_out(services.message_read(user=require_user(request.user), message_id=message_id))


@router.post("/read-all", response=ReadAllOut, openapi_extra=allowed(CONSUMER))
def read_all(request: HttpRequest):
    """Mark all my messages and announcements read."""
    return {"marked": services.messages_read_all(user=request.user)}
