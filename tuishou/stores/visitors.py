"""The web side of sharing that both pages and API need: absolute share URLs (the visitor cookie is
``tuishou.core.visitors``: every sign-in path reads it)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse


def share_url(request: HttpRequest, code: str) -> str:
    """The absolute ``/s/<code>`` URL: from ``TUISHOU["PUBLIC_BASE_URL"]`` when set, else from the request."""
    path = reverse("stores:share", args=[code])
    base = getattr(settings, "TUISHOU", {}).get("PUBLIC_BASE_URL")
    return base.rstrip("/") + path if base else request.build_absolute_uri(path)
