"""Server-side SVG charts (图表) for the desk pages: a line chart and a bar chart from one series.

Pure Python, no Django and no JavaScript: a chart is an ``<svg>`` string with axes, tick labels and one
``<title>`` per point (the browser shows it as a tooltip on hover). Values are numbers (``Decimal`` or
``int``); labels are the strings under the x axis. Text is escaped here; the template marks the result safe.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from tuishou.core.chart_axis import axis_labels

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40
MAX_X_LABELS = 8
TICK_FONT = 11  # svg.chart .tick in reports/charts.css


@dataclass(frozen=True)
class Series:
    """One chart's data: ``labels[i]`` is the x label of ``values[i]``; ``fmt`` writes a value for a person."""

    title: str
    labels: Sequence[str]
    values: Sequence[Decimal | int | None]  # None: no figure that day (a ratio with nothing to divide)
    fmt: Callable[[Decimal | int], str] = str
    whole: bool = False  # a count: the y axis' grid steps are whole numbers


def nice_ceiling(value: Decimal | int) -> Decimal:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ that is ≥ ``value`` (the y axis' top; 1 for an empty chart)."""
    value = Decimal(value)
    if value <= 0:
        return Decimal(1)
    step = Decimal(1)
    while step * 10 < value:
        step *= 10
    while step > value:
        step /= 10
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        if step * factor >= value:
            return step * factor
    return step * 10  # pragma: no cover (10 × step ≥ value by construction)


def whole_ceiling(value: int) -> int:
    """The y axis' top of a chart of counts: the smallest of 4, 8, 12, 16, 20, 40, 80, 100, 200, 400, 800, 1000, … that
    is ≥ ``value``, so that each of the four grid steps is a whole number (no "18.75 orders")."""
    top = 4
    while top < value:
        if top < 20:
            top += 4
        else:
            scale = 10 ** (len(str(top)) - 1)
            top = next(f * scale for f in (2, 4, 8, 10) if f * scale > top)
    return top


def _axis_top(series: Series) -> Decimal:
    """The top of the y axis: whole grid steps for a count, else :func:`nice_ceiling`."""
    highest = max((v for v in series.values if v is not None), default=0)
    return Decimal(whole_ceiling(math.ceil(highest))) if series.whole else nice_ceiling(highest)


def _frame(series: Series, top: Decimal) -> list[str]:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'role="img" aria-label="{escape(series.title)}">',
             f"<title>{escape(series.title)}</title>",
             f'<line class="axis" x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}"/>',
             f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}"/>']
    for i in range(5):  # y grid at 0, ¼, ½, ¾ and the top
        tick = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}"/>')
        parts.append(f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
                     f"{escape(series.fmt(_tidy(tick)))}</text>")
    n = len(series.labels)
    for x, label in axis_labels([_x(i, n) for i in range(n)], series.labels, font_size=TICK_FONT, width=WIDTH,
                                left=LEFT, most=MAX_X_LABELS):
        parts.append(f'<text class="tick" x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
                     f"{escape(label)}</text>")
    return parts


def _tidy(value: Decimal) -> Decimal:
    """A tick value without trailing zeros (``2.50`` → ``2.5``, ``1E+1`` → ``10``)."""
    value = Decimal(value)
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def _x(i: int, n: int) -> float:
    plot_w = WIDTH - LEFT - RIGHT
    return LEFT + plot_w * (i + 0.5) / max(n, 1)


def _y(value, top: Decimal) -> float:
    plot_h = HEIGHT - TOP - BOTTOM
    return TOP + plot_h - plot_h * float(Decimal(value) / top)


def line_chart(series: Series) -> str:
    """A line through the points, a dot on each with its tooltip (``<title>label: value</title>``); the line
    breaks where a value is ``None`` (no figure is not a zero)."""
    top = _axis_top(series)
    parts = _frame(series, top)
    n = len(series.values)
    runs: list[list[str]] = [[]]
    for i, value in enumerate(series.values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append(f"{_x(i, n):.1f},{_y(value, top):.1f}")
    for run in runs:
        if run:
            parts.append(f'<polyline class="line" fill="none" points="{" ".join(run)}"/>')
    for i, (label, value) in enumerate(zip(series.labels, series.values, strict=True)):
        if value is None:
            continue
        parts.append(f'<circle class="dot" cx="{_x(i, n):.1f}" cy="{_y(value, top):.1f}" r="3">'
                     f"<title>{escape(label)}: {escape(series.fmt(value))}</title></circle>")
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(series: Series) -> str:
    """One bar per label, each with its tooltip; negative values are drawn as zero-height bars."""
    top = _axis_top(series)
    parts = _frame(series, top)
    n = len(series.values)
    plot_w, base = WIDTH - LEFT - RIGHT, HEIGHT - BOTTOM
    width = max(1.0, plot_w / max(n, 1) * 0.7)
    for i, (label, value) in enumerate(zip(series.labels, series.values, strict=True)):
        y = min(_y(max(Decimal(value or 0), Decimal(0)), top), base)
        parts.append(f'<rect class="bar" x="{_x(i, n) - width / 2:.1f}" y="{y:.1f}" width="{width:.1f}" '
                     f'height="{base - y:.1f}"><title>{escape(label)}: {escape(series.fmt(value))}</title></rect>')
    parts.append("</svg>")
    return "".join(parts)
