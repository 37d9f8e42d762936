"""The anonymous visitor's identity: a signed cookie set when somebody opens a share link, read again when they
sign in or sign up so that what they did before has an owner. Every sign-in path (API, pages) reads it here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

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


def client_ip(request: HttpRequest) -> str:
    """The address the request came from: ``REMOTE_ADDR``, never a header the client could forge (as the sign-in
    throttle counts it). Behind a proxy, the proxy sets REMOTE_ADDR (e.g. uWSGI/gunicorn behind nginx's
    ``real_ip``)."""
    return request.META.get("REMOTE_ADDR") or ""


def visitor_fingerprint(*, ip: str, user_agent: str | None) -> str:
    """A keyed digest of address and user agent (HMAC-SHA256 under the SECRET_KEY): repeated opens from one
    device are told apart without keeping the address, which a plain hash would give away (IPv4 is small)."""
    return salted_hmac("tuishou.visitor.fingerprint", f"{ip}\n{user_agent or ''}", algorithm="sha256").hexdigest()
