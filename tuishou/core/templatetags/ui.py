"""The web app's template filters: money in yuan, desk lists' times, status badges, query strings for pagination."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.http import QueryDict

from tuishou.core.listing import list_time as _list_time

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


@register.filter
def list_time(value) -> str:
    """``{{ order.paid_at|list_time }}`` → ``2026-12-04 22:24``: a time in a desk list drawn by its own template,
    the same as the generic table's (``tuishou.core.listing.list_time``); nothing stays blank (for ``default``)."""
    return "" if value is None or value == "" else str(_list_time(value))


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
def link_of(column, row) -> str:
    """``{{ column|link_of:row }}``: a desk list column's link for ``row`` (a template would call the column's
    ``link`` function with no argument if it were reached as ``column.link``)."""
    return column.url(row) if hasattr(column, "url") else ""
