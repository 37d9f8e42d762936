"""Reads of the message centre: a person's messages (unread first), the announcements addressed to them, and
the unread count behind the badge."""

from __future__ import annotations

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from tuishou.accounts.models import User
from tuishou.core.errors import NotFound
from tuishou.notifications.errors import NotificationError
from tuishou.notifications.models import Announcement, AnnouncementRead, Message


def inbox(user: User, *, unread_only: bool = False) -> QuerySet[Message]:
    """``user``'s messages, unread first, newest first within each."""
    messages = Message.objects.filter(recipient=user)
    if unread_only:
        messages = messages.filter(read_at__isnull=True)
    read = ExpressionWrapper(Q(read_at__isnull=False), output_field=BooleanField())
    return messages.order_by(read.asc(), "-created_at", "-id")


def message_for(*, user: User, message_id: int) -> Message:
    """One of ``user``'s messages; another person's is not found, like one that does not exist."""
    message = Message.objects.filter(pk=message_id, recipient=user).first() if user.is_authenticated else None
    if message is None:
        raise NotFound(NotificationError.MESSAGE_UNKNOWN)
    return message


def announcements_for(user: User) -> QuerySet[Announcement]:
    """Announcements addressed to ``user`` (the platform's, and their community's when they promote), each
    annotated ``unread``; unread first, newest first."""
    audience = Q(community__isnull=True) | Q(community__promoters__user=user)
    read = AnnouncementRead.objects.filter(announcement=OuterRef("pk"), user=user)
    return (Announcement.objects.filter(audience).annotate(unread=~Exists(read))
            .order_by("-unread", "-published_at", "-id"))


def announcement_for(*, user: User, announcement_id: int) -> Announcement:
    announcement = announcements_for(user).filter(pk=announcement_id).first() if user.is_authenticated else None
    if announcement is None:
        raise NotFound(NotificationError.ANNOUNCEMENT_UNKNOWN)
    return announcement


def unread_count(user: User) -> int:
    """Unread messages plus unread announcements: the badge on the "me" tab (two indexed counts)."""
    if not user.is_authenticated:
        return 0
    return (Message.objects.filter(recipient=user, read_at__isnull=True).count()
            + announcements_for(user).filter(unread=True).count())
