"""The message centre's pages: ``/centre/messages/`` (announcements and messages, unread first), a message's
page (which marks it read and links to what it is about), mark one or all read (htmx swaps the row; without
JavaScript the form posts and the page comes back)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tuishou.core.errors import NotFound
from tuishou.core.pages import paginate
from tuishou.notifications import selectors, services
from tuishou.notifications.texts import message_render

ANNOUNCEMENTS_SHOWN = 5


def _or_404(call, **kwargs):
    """A service call whose "not found" (someone else's message too) is the site's 404 page."""
    try:
        return call(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _row(message) -> dict:
    return {"message": message, "text": message_render(message)}


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.inbox(request.user))
    announcements = list(selectors.announcements_for(request.user)[:ANNOUNCEMENTS_SHOWN])
    return render(request, "notifications/inbox.html", {
        "page": page, "rows": [_row(m) for m in page.object_list], "announcements": announcements})


@login_required
def message_detail(request: HttpRequest, message_id: int) -> HttpResponse:
    message = _or_404(services.message_read, user=request.user, message_id=message_id)
    return render(request, "notifications/message.html", _row(message))


@login_required
@require_POST
def message_read(request: HttpRequest, message_id: int) -> HttpResponse:
    message = _or_404(services.message_read, user=request.user, message_id=message_id)
    if request.htmx:
        return render(request, "notifications/inbox.html#message_row", {"row": _row(message)})
    return redirect("notifications:inbox")


@login_required
def announcement_detail(request: HttpRequest, announcement_id: int) -> HttpResponse:
    announcement = _or_404(services.announcement_read, user=request.user, announcement_id=announcement_id)
    return render(request, "notifications/announcement.html", {"announcement": announcement})


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    services.messages_read_all(user=request.user)
    return redirect("notifications:inbox")
