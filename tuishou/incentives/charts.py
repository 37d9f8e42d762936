"""Server-side SVG charts of the plan studio's reports (no JavaScript, no CDN): bars side by side (draft beside
what was paid), columns (an earnings distribution, months) and a Lorenz curve. Each function answers safe SVG
markup with a title for screen readers; every label is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

COLOURS = ("#e1251b", "#8c8c8c", "#1677ff", "#52c41a")
WIDTH = 640


def _num(value) -> float:
    """A figure as a drawing coordinate (only for drawing: the figures shown are the report's strings)."""
    return float(Decimal(str(value)))


def _svg(title: str, height: int, body: list[str]) -> SafeString:
    return mark_safe(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{"".join(body)}</svg>')


def _legend(series: Sequence[tuple[str, Sequence]], y: int) -> list[str]:
    out, x = [], 150
    for i, (name, _) in enumerate(series):
        out.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{COLOURS[i % 4]}"/>'
                   f'<text x="{x + 16}" y="{y}" font-size="12">{escape(name)}</text>')
        x += 30 + 8 * len(str(name)) + 40
    return out


def bars(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence]]) -> SafeString:
    """Horizontal bars, one group per label, one bar per series (e.g. the draft and what was paid)."""
    n = max(len(series), 1)
    group = 10 + 16 * n
    height = 30 + group * max(len(labels), 1)
    peak = max([_num(v) for _, values in series for v in values] + [0.0]) or 1.0
    body = _legend(series, 16)
    for row, label in enumerate(labels):
        top = 28 + row * group
        body.append(f'<text x="140" y="{top + 8 * n + 4}" font-size="12" text-anchor="end">{escape(label)}</text>')
        for i, (_, values) in enumerate(series):
            value = values[row] if row < len(values) else 0
            width = max(_num(value), 0) / peak * (WIDTH - 230)
            y = top + i * 16
            body.append(f'<rect x="150" y="{y}" width="{width:.1f}" height="13" fill="{COLOURS[i % 4]}"/>'
                        f'<text x="{154 + width:.1f}" y="{y + 11}" font-size="11">{escape(str(value))}</text>')
    return _svg(title, height, body)


def columns(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence]]) -> SafeString:
    """Vertical columns, one group per label (an earnings band, a month), one column per series."""
    height, base, top = 240, 200, 34
    n, count = max(len(series), 1), max(len(labels), 1)
    slot = (WIDTH - 60) / count
    width = max(min(slot / (n + 1), 40), 2)
    peak = max([_num(v) for _, values in series for v in values] + [0.0]) or 1.0
    body = _legend(series, 16)
    body.append(f'<line x1="40" y1="{base}" x2="{WIDTH - 10}" y2="{base}" stroke="#ccc"/>')
    for col, label in enumerate(labels):
        left = 50 + col * slot
        for i, (_, values) in enumerate(series):
            value = values[col] if col < len(values) else 0
            h = max(_num(value), 0) / peak * (base - top)
            x = left + i * width
            body.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{width - 2:.1f}" height="{h:.1f}" '
                        f'fill="{COLOURS[i % 4]}"><title>{escape(label)}: {escape(str(value))}</title></rect>')
        body.append(f'<text x="{left + n * width / 2:.1f}" y="{base + 16}" font-size="11" text-anchor="middle">'
                    f'{escape(label)}</text>')
    return _svg(title, height, body)


def lorenz(title: str, points: Sequence[Sequence[float]], label: str) -> SafeString:
    """The Lorenz curve of earnings against the line of equality (both axes 0–1)."""
    size, pad = 220, 30
    scale = size - pad
    coords = " ".join(f"{pad + float(x) * scale:.1f},{size - float(y) * scale:.1f}" for x, y in points)
    body = [f'<line x1="{pad}" y1="{size}" x2="{size}" y2="{pad}" stroke="#ccc" stroke-dasharray="4"/>',
            f'<polyline points="{coords}" fill="none" stroke="{COLOURS[0]}" stroke-width="2"/>',
            f'<text x="{size + 10}" y="{size - 10}" font-size="12">{escape(label)}</text>']
    return _svg(title, size + 10, body)
