"""``{% chart "line" labels values title fmt %}``: a server-side SVG chart (``tuishou.reports.charts``)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.safestring import mark_safe

from tuishou.core.templatetags.ui import money
from tuishou.reports.charts import Series, bar_chart, line_chart, responsive

register = template.Library()


def percent(value) -> str:
    """A ratio (0.5500) as a percentage (55.00%); an empty ratio (nothing to divide) as a dash."""
    if value is None:
        return "–"
    return f"{(Decimal(value) * 100).quantize(Decimal('0.01'))}%"


FORMATS = {"money": money, "count": lambda v: number_format(v, force_grouping=True), "percent": percent}


@register.simple_tag
def chart(kind: str, days, values, title: str, fmt: str = "count") -> str:
    labels = [day.strftime("%m-%d") for day in days]
    draw = line_chart if kind == "line" else bar_chart
    series = Series(str(title), labels, values, FORMATS[fmt], whole=fmt == "count")
    return mark_safe(responsive(draw, series))  # the chart escapes its own text; a wide and a narrow drawing


@register.filter
def pct(value) -> str:
    return percent(value)


def _signed(value, unit: str) -> str:
    """A change in hundredths with its sign (+ for a rise, - for a fall, none for no change); a dash for none."""
    if value is None:
        return "–"
    shown = (Decimal(value) * 100).quantize(Decimal("0.01"))
    return f"+{shown}{unit}" if shown > 0 else f"{shown}{unit}"


@register.filter
def change(value) -> str:
    """A relative change with its sign: 0.2354 → +23.54%, -0.0187 → -1.87%, 0 → 0.00%."""
    return _signed(value, "%")


@register.filter
def points(value) -> str:
    """A change of a ratio in percentage points, with its sign: 0.0144 → +1.44, -0.0057 → -0.57."""
    return _signed(value, "")
