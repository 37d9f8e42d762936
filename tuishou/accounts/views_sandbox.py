"""The SMS sandbox's development page (``/sandbox-sms/``, mounted only while the sandbox provider is in use): the
latest messages it recorded instead of sending, so that a developer or a browser test can read a sign-up code."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tuishou.accounts.selectors import sandbox_sms_recent


@require_GET
def sandbox_sms(request: HttpRequest) -> HttpResponse:
    """The latest 50 messages, newest first; ``?phone=`` shows one number's."""
    phone = (request.GET.get("phone") or "").strip()[:20]
    return render(request, "accounts/sandbox_sms.html",
                  {"messages_sent": sandbox_sms_recent(phone=phone or None), "phone": phone})
