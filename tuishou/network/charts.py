"""Server-side SVG charts for the agency portal's growth page: a bar chart of counts per day and a line chart of a
running total. Pure Python (no Django): the labels are escaped here, and the template marks the result safe.

Each chart is a ``viewBox`` drawing that scales to its container (``.chart svg`` in app.css); every bar and
point carries a ``<title>`` so a pointer or a screen reader gets the exact value. ``narrow=True`` draws it 360
wide with a larger font, for a phone: the page carries both and app.css shows the one that fits the figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from tuishou.core.chart_axis import axis_labels

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 28
FONT, NARROW_WIDTH, NARROW_FONT = 11, 360, 13
RED, GREY, LIGHT = "#e4393c", "#888", "#eee"


def _nice_max(value: int) -> int:
    """The smallest of 1, 2, 5 × 10ⁿ at or above ``value`` (an axis that ends on a round number)."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def _box(narrow: bool) -> tuple[int, int]:
    """The drawing's width and font size."""
    return (NARROW_WIDTH, NARROW_FONT) if narrow else (WIDTH, FONT)


def responsive(draw, **chart) -> str:
    """The chart ``draw`` makes twice: the wide drawing and the narrow one (app.css shows the one that fits)."""
    return draw(**chart) + draw(**chart, narrow=True)


def _frame(top: int, title: str, labels: Sequence[str], x_of, *, narrow: bool) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    width, font = _box(narrow)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {HEIGHT}" role="img" '
             f'class="{"narrow" if narrow else "wide"}" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for tick in (0, top // 2 if top % 2 == 0 else None, top):  # the middle line only where it is a whole number
        if tick is None:
            continue
        y = TOP + plot_h - plot_h * tick / top
        parts.append(f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{LIGHT}"/>'
                     f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="{font}" text-anchor="end" fill="{GREY}">'
                     f'{tick}</text>')
    # at most about eight dates under the axis (five on a phone), none overlapping another or cut off at the edge
    for x, label in axis_labels([x_of(i) for i in range(len(labels))], labels, font_size=font, width=width, left=LEFT,
                                most=5 if narrow else 8):
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 8}" font-size="{font}" text-anchor="middle" '
                     f'fill="{GREY}">{escape(label)}</text>')
    return parts


def bar_chart(*, title: str, labels: Sequence[str], values: Sequence[int], unit: str = "", narrow: bool = False) -> str:
    """Vertical bars, one per label (a day), scaled to a round maximum."""
    top = _nice_max(max(values, default=0))
    plot_w, plot_h = _box(narrow)[0] - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(values), 1)
    parts = _frame(top, title, labels, lambda i: LEFT + slot * (i + 0.5), narrow=narrow)
    for i, value in enumerate(values):
        h = plot_h * value / top
        parts.append(f'<rect x="{LEFT + slot * i + slot * 0.15:.1f}" y="{TOP + plot_h - h:.1f}" '
                     f'width="{max(slot * 0.7, 1):.1f}" height="{h:.1f}" fill="{RED}" data-value="{value}">'
                     f'<title>{escape(labels[i])}: {value}{escape(unit)}</title></rect>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(*, title: str, labels: Sequence[str], values: Sequence[int], unit: str = "",
               narrow: bool = False) -> str:
    """A line through the values (a running total), its area lightly filled, a dot with its value per point."""
    top = _nice_max(max(values, default=0))
    plot_w, plot_h = _box(narrow)[0] - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(values) - 1, 1)

    def x_of(i: int) -> float:
        return LEFT + step * i if len(values) > 1 else LEFT + plot_w / 2

    points = [(x_of(i), TOP + plot_h - plot_h * value / top) for i, value in enumerate(values)]
    parts = _frame(top, title, labels, x_of, narrow=narrow)
    if points:
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        base = TOP + plot_h
        parts.append(f'<polygon points="{points[0][0]:.1f},{base} {line} {points[-1][0]:.1f},{base}" '
                     f'fill="{RED}" fill-opacity="0.08"/>'
                     f'<polyline points="{line}" fill="none" stroke="{RED}" stroke-width="2"/>')
        for (x, y), label, value in zip(points, labels, values, strict=True):
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{RED}" data-value="{value}">'
                         f'<title>{escape(label)}: {value}{escape(unit)}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)
