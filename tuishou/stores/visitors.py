"""The web side of sharing that both pages and API need: the signed visitor cookie and absolute share URLs."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

VISITOR_COOKIE = "ts_visitor"
VISITOR_SALT = "tuishou.stores.visitor"
VISITOR_MAX_AGE = 365 * 24 * 3600


def visitor_key(request: HttpRequest) -> str | None:
    """The visitor id from the signed cookie (None when absent or tampered with)."""
    return request.get_signed_cookie(VISITOR_COOKIE, default=None, salt=VISITOR_SALT)


def visitor_cookie_set(response: HttpResponse, key: str, *, secure: bool) -> None:
    """Remember the visitor for a year (signed, so a visitor cannot claim somebody else's visits)."""
    response.set_signed_cookie(VISITOR_COOKIE, key, salt=VISITOR_SALT, max_age=VISITOR_MAX_AGE, httponly=True,
                               samesite="Lax", secure=secure)


def share_url(request: HttpRequest, code: str) -> str:
    """The absolute ``/s/<code>`` URL: from ``TUISHOU["PUBLIC_BASE_URL"]`` when set, else from the request."""
    path = reverse("stores:share", args=[code])
    base = getattr(settings, "TUISHOU", {}).get("PUBLIC_BASE_URL")
    return base.rstrip("/") + path if base else request.build_absolute_uri(path)
