"""What every page view shares: a domain error as a message in the page's language, a service error put
beside the form field it concerns, and pagination.

Views stay thin: parse the request (a Django form), call one service or selector, render. A ``DomainError``
from the service becomes the form's error on the field named in ``details["field"]`` (or the whole form), in
the active language, and the form keeps what the person typed.
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from tuishou.core import i18n
from tuishou.core.errors import DomainError

PER_PAGE = 20


def error_message(exc: DomainError) -> str:
    """The error's human message in the active language (the catalogs translate every code's message)."""
    return i18n.error_message(exc)


def form_add_error(form: forms.Form, exc: DomainError) -> None:
    """Show ``exc`` beside the field it names (when the form has that field), else above the form."""
    field = exc.details.get("field") if isinstance(exc.details, dict) else None
    form.add_error(field if field in form.fields else None, error_message(exc))


def paginate(request: HttpRequest, items, *, per_page: int = PER_PAGE) -> Page:
    """The page of ``items`` the query string's ``page`` asks for (out of range: the nearest page)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
