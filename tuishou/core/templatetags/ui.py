"""The web app's template filters: money in yuan, status badges, query strings for pagination."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.http import QueryDict

register = template.Library()


@register.filter
def money(value) -> str:
    """``Decimal('1234.5')`` → ``¥1,234.50``; negative amounts keep their sign (``-¥3.00``); blank stays blank."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount).quantize(Decimal('0.01')):,}"


@register.simple_tag(takes_context=True)
def query(context, **changes) -> str:
    """The current query string with ``changes`` applied (a value of ``None`` removes the key): for pager and
    filter links that keep the other filters."""
    request = context.get("request")
    params: QueryDict = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def call(fn, arg):
    """``{{ column.link|call:row }}``: a callable of one argument, applied (desk lists' link columns)."""
    return fn(arg) if callable(fn) else ""
