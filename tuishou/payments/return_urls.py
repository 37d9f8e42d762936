"""Where a payer may be sent back after the gateway's pay page (issue 12, item 4): an http(s) address of this
server (``TUISHOU_PUBLIC_URL``) or of a host in ``TUISHOU_RETURN_URL_HOSTS`` (default: ``ALLOWED_HOSTS``), at
most 500 characters. Anything else — another site, ``javascript:``, credentials in the address — would make our
pay page an open redirect or a link that runs script on our origin: it is refused when the payment starts.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import validate_host

from tuishou.core.errors import InvalidInput
from tuishou.payments.errors import PaymentError

RETURN_URL_MAX = 500  # the column's length


def return_url_hosts() -> list[str]:
    """The hosts a return URL may name: this server's public host, then the configured ones."""
    public = urlsplit(settings.TUISHOU_PUBLIC_URL).hostname or ""
    return [h for h in [public, *settings.TUISHOU_RETURN_URL_HOSTS] if h and h != "*"]


def return_url_allowed(url: str) -> bool:
    """Whether ``url`` is an http(s) address of an allowed host, without credentials or control characters."""
    if not url or len(url) > RETURN_URL_MAX or any(ord(c) < 32 or ord(c) == 127 or c == "\\" for c in url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 (a malformed port raises)
    except ValueError:
        return False
    return (parts.scheme in ("http", "https") and bool(host) and parts.username is None
            and parts.password is None and validate_host(host, return_url_hosts()))


def return_url_check(url: str) -> str:
    """``url`` when allowed (or empty: no return), else ``payments.return_url_invalid`` (400)."""
    url = (url or "").strip()
    if url and not return_url_allowed(url):
        raise InvalidInput(PaymentError.RETURN_URL_INVALID, details={"field": "return_url"})
    return url
