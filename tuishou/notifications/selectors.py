"""Reads of the message centre: a person's messages (unread first), the announcements addressed to them, and
the unread count behind the badge."""

from __future__ import annotations

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from tuishou.accounts.models import User
from tuishou.accounts.permissions import Role, is_operator
from tuishou.core.errors import NotFound
from tuishou.network.models import Community, Promoter
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


def announcement_communities(user: User):
    """The communities ``user`` may announce to: every active one for an operator (ops), else those they staff.
    (The platform as a whole — ``community=None`` — only for operators: ``announcement_may_reach_everyone``.)"""
    if is_operator(user, Role.OPS):
        return Community.objects.filter(active=True).order_by("kind", "name")
    return Community.objects.filter(staff__user=user).order_by("name")


def announcement_may_reach_everyone(user: User) -> bool:
    return is_operator(user, Role.OPS)


def announcements_authored(user: User, *, community_id: int | None = None) -> QuerySet[Announcement]:
    """Announcements ``user`` may follow up on, newest first, each with ``read_count`` (read receipts):
    an operator's, everyone's; agency staff's, their communities' (``community_id`` narrows to one)."""
    rows = Announcement.objects.select_related("community", "author").annotate(read_count=Count("reads"))
    if not announcement_may_reach_everyone(user):
        rows = rows.filter(community__in=announcement_communities(user))
    if community_id is not None:
        rows = rows.filter(community_id=community_id)
    return rows.order_by("-published_at", "-id")


def announcement_audiences(announcements) -> dict[int | None, int]:
    """How many people each announcement's audience holds, by community id (None: everyone who can sign in),
    for the read-receipt ratio: one count per distinct community on the page."""
    sizes: dict[int | None, int] = {}
    for community_id in {a.community_id for a in announcements}:
        sizes[community_id] = (User.objects.filter(is_active=True).count() if community_id is None
                               else Promoter.objects.filter(community_id=community_id).count())
    return sizes
