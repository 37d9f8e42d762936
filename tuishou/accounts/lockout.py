"""The answer to a sign-in refused for a lockout (django-axes' ``AXES_LOCKOUT_CALLABLE``).

The API's token route and the sign-in page tell the lockout themselves (``auth.locked_out``, 429: in the API's
JSON error shape, and beside the form in the page's language); their answers are kept. Anywhere else (the
admin's sign-in) a page in the visitor's language says it, with 429.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tuishou.accounts.services import login_lockout_error
from tuishou.core.pages import error_message


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    if original_response is not None and original_response.status_code == 429:
        return original_response
    return render(request, "accounts/locked_out.html", {"message": error_message(login_lockout_error())},
                  status=429)
