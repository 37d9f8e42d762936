"""Server-side SVG charts (图表) for the desk pages: a line chart and a bar chart from one series.

Pure Python, no Django and no JavaScript: a chart is an ``<svg>`` string with axes, tick labels and one
``<title>`` per point (the browser shows it as a tooltip on hover). Values are numbers (``Decimal`` or
``int``); labels are the strings under the x axis. Text is escaped here; the template marks the result safe.

A drawing scales to its box, text included: drawn 640 wide, a chart on a phone (about 340 px) would print its
labels at 6 px. So each chart can be drawn at two widths (``responsive``): the wide drawing for a desk, a narrow
one with a larger font for a phone, and the stylesheet shows the one that fits its box (a container query in
app.css), so a label reads at 10 px or more at 390 px.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from tuishou.core.chart_axis import axis_labels, label_width

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40
MAX_X_LABELS = 8
TICK_FONT = 11  # svg.chart .tick in reports/charts.css
NARROW_WIDTH, NARROW_FONT, NARROW_X_LABELS = 360, 13, 5  # svg.chart.narrow .tick in reports/charts.css


@dataclass(frozen=True)
class _Size:
    """A drawing's width, its tick labels' font size, the room left of the y axis, the x labels it draws at most."""

    width: int
    font: float
    left: float
    most: int

    @property
    def plot_w(self) -> float:
        return self.width - self.left - RIGHT


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


def _size(series: Series, top: Decimal, *, narrow: bool) -> tuple[_Size, list[str]]:
    """The drawing's size, and the y axis' tick labels (0, ¼, ½, ¾ and the top), which set the room left of it."""
    width, font, most = (NARROW_WIDTH, NARROW_FONT, NARROW_X_LABELS) if narrow else (WIDTH, TICK_FONT, MAX_X_LABELS)
    ticks = [series.fmt(_tidy(top * i / 4)) for i in range(5)]
    left = max(LEFT if not narrow else 0, math.ceil(max(label_width(t, font) for t in ticks)) + 10)
    return _Size(width, font, left, most), ticks


def _frame(series: Series, top: Decimal, size: _Size, ticks: list[str], *, narrow: bool) -> list[str]:
    plot_w, plot_h, left = size.plot_w, HEIGHT - TOP - BOTTOM, size.left
    parts = [f'<svg class="chart {"narrow" if narrow else "wide"}" xmlns="http://www.w3.org/2000/svg" '
             f'viewBox="0 0 {size.width} {HEIGHT}" role="img" aria-label="{escape(series.title)}">',
             f"<title>{escape(series.title)}</title>",
             f'<line class="axis" x1="{left}" y1="{TOP + plot_h}" x2="{left + plot_w}" y2="{TOP + plot_h}"/>',
             f'<line class="axis" x1="{left}" y1="{TOP}" x2="{left}" y2="{TOP + plot_h}"/>']
    for i, tick in enumerate(ticks):
        y = TOP + plot_h - plot_h * i / 4
        parts.append(f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}"/>')
        parts.append(f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(tick)}</text>')
    n = len(series.labels)
    for x, label in axis_labels([_x(i, n, size) for i in range(n)], series.labels, font_size=size.font,
                                width=size.width, left=left, most=size.most):
        parts.append(f'<text class="tick" x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
                     f"{escape(label)}</text>")
    return parts


def _tidy(value: Decimal) -> Decimal:
    """A tick value without trailing zeros (``2.50`` → ``2.5``, ``1E+1`` → ``10``)."""
    value = Decimal(value)
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def _x(i: int, n: int, size: _Size) -> float:
    return size.left + size.plot_w * (i + 0.5) / max(n, 1)


def _y(value, top: Decimal) -> float:
    plot_h = HEIGHT - TOP - BOTTOM
    return TOP + plot_h - plot_h * float(Decimal(value) / top)


def responsive(draw: Callable[..., str], series: Series) -> str:
    """The chart ``draw`` makes of ``series`` twice: the wide drawing and the narrow one (app.css shows one)."""
    return draw(series) + draw(series, narrow=True)


def line_chart(series: Series, *, narrow: bool = False) -> str:
    """A line through the points, a dot on each with its tooltip (``<title>label: value</title>``); the line
    breaks where a value is ``None`` (no figure is not a zero)."""
    top = _axis_top(series)
    size, ticks = _size(series, top, narrow=narrow)
    parts = _frame(series, top, size, ticks, narrow=narrow)
    n = len(series.values)
    runs: list[list[str]] = [[]]
    for i, value in enumerate(series.values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append(f"{_x(i, n, size):.1f},{_y(value, top):.1f}")
    for run in runs:
        if run:
            parts.append(f'<polyline class="line" fill="none" points="{" ".join(run)}"/>')
    for i, (label, value) in enumerate(zip(series.labels, series.values, strict=True)):
        if value is None:
            continue
        parts.append(f'<circle class="dot" cx="{_x(i, n, size):.1f}" cy="{_y(value, top):.1f}" r="3">'
                     f"<title>{escape(label)}: {escape(series.fmt(value))}</title></circle>")
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(series: Series, *, narrow: bool = False) -> str:
    """One bar per label, each with its tooltip; negative values are drawn as zero-height bars."""
    top = _axis_top(series)
    size, ticks = _size(series, top, narrow=narrow)
    parts = _frame(series, top, size, ticks, narrow=narrow)
    n = len(series.values)
    base = HEIGHT - BOTTOM
    width = max(1.0, size.plot_w / max(n, 1) * 0.7)
    for i, (label, value) in enumerate(zip(series.labels, series.values, strict=True)):
        y = min(_y(max(Decimal(value or 0), Decimal(0)), top), base)
        parts.append(f'<rect class="bar" x="{_x(i, n, size) - width / 2:.1f}" y="{y:.1f}" width="{width:.1f}" '
                     f'height="{base - y:.1f}"><title>{escape(label)}: {escape(series.fmt(value))}</title></rect>')
    parts.append("</svg>")
    return "".join(parts)
