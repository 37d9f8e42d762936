"""Which x-axis labels a server-side SVG chart draws, so that none overlaps another or leaves the drawing.

Pure Python (no Django), shared by the charts of the reports (``tuishou.reports.charts``) and of the agency
portal (``tuishou.network.charts``). A chart is a ``viewBox`` drawing scaled to its container, text included,
so labels that do not overlap in the drawing's units do not overlap at any screen width.

Labels are evenly thinned (every k-th, k the fewest slots a label and a gap fit in), the first and the last
always kept (the last unless it cannot clear the first); a label that would still touch the last one (the last
seldom falls on a multiple of k) is dropped, and the labels at the ends are moved inwards so that they stay inside
the drawing.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import ceil

# The width of one character of a tick label, as a share of the font size: digits, '-' and ':' in the UI's sans
# fonts are 0.5–0.6 em; a little more keeps a margin for wider fonts.
CHAR_EM = 0.62
GAP = 6.0  # the least space between two labels, in the drawing's units


def label_width(label: str, font_size: float) -> float:
    """The width a label takes in the drawing (an estimate on the safe side; a CJK character counts double)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in label) * font_size * CHAR_EM


def axis_labels(xs: Sequence[float], labels: Sequence[str], *, font_size: float, width: float, left: float = 0,
                gap: float = GAP, most: int | None = None) -> list[tuple[float, str]]:
    """``(centre x, label)`` of the labels to draw under the points at ``xs`` (left to right, evenly spaced),
    none overlapping another (at least ``gap`` apart) and none outside ``[left, width]`` (``left``: the y axis,
    whose tick labels are left of it); about ``most`` at most."""
    n = len(labels)
    if n == 0:
        return []
    widest = max(label_width(label, font_size) for label in labels)
    slot = (xs[-1] - xs[0]) / (n - 1) if n > 1 else width
    every = max(1, ceil((widest + gap) / slot)) if slot > 0 else n
    if most:
        every = max(every, ceil(n / most))
    picks = list(range(0, n, every))
    if picks[-1] != n - 1:
        picks.append(n - 1)
    placed = [(_inside(xs[i], label_width(labels[i], font_size), left, width), labels[i]) for i in picks]

    def clear(left: tuple[float, str], right: tuple[float, str]) -> bool:
        return (left[0] + label_width(left[1], font_size) / 2 + gap
                <= right[0] - label_width(right[1], font_size) / 2)

    first, *middle, last = placed if len(placed) > 1 else (*placed, None)
    kept = [first]
    for label in middle:  # a middle label stays if it clears the one kept before it and the last one
        if clear(kept[-1], label) and (last is None or clear(label, last)):
            kept.append(label)
    if last is not None and clear(kept[-1], last):
        kept.append(last)
    return kept


def _inside(x: float, w: float, left: float, width: float) -> float:
    """The centre of a label of width ``w`` at ``x``, moved inwards if it would stick out of ``[left, width]``."""
    return min(max(x, left + w / 2), width - w / 2)
