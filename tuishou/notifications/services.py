"""Writes of the message centre: creating messages (once per event and person), reading them, announcements."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from tuishou.accounts.models import User
from tuishou.accounts.permissions import Role, is_operator, require_user
from tuishou.core.errors import InvalidInput, PermissionDenied
from tuishou.notifications import selectors
from tuishou.notifications.errors import NotificationError
from tuishou.notifications.models import Announcement, AnnouncementRead, Message
from tuishou.risk.services import audit_record

TITLE_MAX, BODY_MAX = 80, 4000


def message_send(*, recipient_id: int, kind: str, key: str, params: dict) -> Message | None:
    """Create the message ``key`` for ``recipient_id`` unless it exists (a task run twice sends once).

    Returns the new message, or None when it was already sent.
    """
    clean = {name: str(value) if isinstance(value, Decimal) else value for name, value in params.items()}
    if Message.objects.filter(key=key).exists():
        return None
    try:
        with transaction.atomic():
            return Message.objects.create(recipient_id=recipient_id, kind=kind, key=key, params=clean,
                                          created_at=timezone.now())
    except IntegrityError:
        if Message.objects.filter(key=key).exists():
            return None
        raise


def message_read(*, user: User, message_id: int) -> Message:
    """Mark one of ``user``'s messages read (someone else's: not found); reading twice keeps the first time."""
    message = selectors.message_for(user=user, message_id=message_id)
    if message.read_at is None:
        message.read_at = timezone.now()
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=message.read_at)
    return message


def messages_read_all(*, user: User) -> int:
    """Mark all of ``user``'s unread messages and announcements read; returns how many were unread."""
    require_user(user)
    now = timezone.now()
    with transaction.atomic():
        count = Message.objects.filter(recipient=user, read_at__isnull=True).update(read_at=now)
        unread = list(selectors.announcements_for(user).filter(unread=True).values_list("pk", flat=True))
        AnnouncementRead.objects.bulk_create(
            [AnnouncementRead(announcement_id=pk, user=user, read_at=now) for pk in unread], ignore_conflicts=True)
    return count + len(unread)


def announcement_read(*, user: User, announcement_id: int) -> Announcement:
    """Record that ``user`` read an announcement addressed to them (one receipt, ever)."""
    announcement = selectors.announcement_for(user=user, announcement_id=announcement_id)
    AnnouncementRead.objects.bulk_create([AnnouncementRead(announcement=announcement, user=user,
                                                           read_at=timezone.now())], ignore_conflicts=True)
    return announcement


def announcement_check_author(*, actor: User, community=None) -> None:
    """Raise unless ``actor`` may announce to ``community`` (None: the whole platform)."""
    if is_operator(actor, Role.OPS):
        return
    if community is None or not actor.community_roles.filter(community=community).exists():
        raise PermissionDenied(NotificationError.FORBIDDEN)


def announcement_publish(*, actor: User, title: str, body: str, community=None) -> Announcement:
    """Publish an announcement: operators (ops) to everyone or to any community; an agency's staff only to
    their own community. Audited."""
    title, body = (title or "").strip(), (body or "").strip()
    if not title or len(title) > TITLE_MAX:
        raise InvalidInput(NotificationError.TITLE_INVALID, maximum=TITLE_MAX, details={"field": "title"})
    if not body or len(body) > BODY_MAX:
        raise InvalidInput(NotificationError.BODY_INVALID, maximum=BODY_MAX, details={"field": "body"})
    announcement_check_author(actor=actor, community=community)
    with transaction.atomic():
        announcement = Announcement.objects.create(community=community, title=title, body=body, author=actor,
                                                   published_at=timezone.now())
        audit_record(actor=actor, action="notifications.announcement_publish", target=announcement,
                     reason="", data={"title": title, "community": getattr(community, "code", None)})
    return announcement
