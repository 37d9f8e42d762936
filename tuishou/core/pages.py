"""What every page view shares: a domain error as a message in the page's language, a service error put
beside the form field it concerns, and pagination.

Views stay thin: parse the request (a Django form), call one service or selector, render. A ``DomainError``
from the service becomes the form's error on the field named in ``details["field"]`` (or the whole form), in
the active language, and the form keeps what the person typed.
"""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse

from tuishou.core import i18n
from tuishou.core.errors import DomainError, NotFound, PermissionDenied

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


def desk_page(view):
    """Wrap a page view: sign-in required, and whatever the selectors and services refuse as not this person's
    to see (``NotFound``, ``PermissionDenied``: not an operator, another community's draft, no such row) is the
    404 page, with the same answer as a missing object."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (NotFound, PermissionDenied) as exc:
            raise Http404(exc.code) from exc

    return wrapper
