"""The SVG chart helper (pure Python): axes, one tooltip per point, text escaped, empty and zero series drawn."""

import math
import re
from decimal import Decimal
from itertools import pairwise

from tuishou.core.chart_axis import label_width
from tuishou.reports.charts import Series, bar_chart, line_chart, nice_ceiling


def test_the_y_axis_tops_at_a_round_number():
    assert [nice_ceiling(v) for v in (0, Decimal("0.55"), 3, 7, 10, 11, Decimal("1234.5"), 26000, Decimal("0.04"))] == [
        1, 1, 5, 10, 10, 20, 2000, 50000, Decimal("0.05")]


def test_a_bar_chart_has_a_bar_and_a_tooltip_per_day():
    svg = bar_chart(Series("GMV <per day>", ["06-01", "06-02", "06-03"], [Decimal("10.00"), 0, Decimal("25.50")],
                           lambda v: f"¥{v}"))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<rect") == 3 and "<title>06-03: ¥25.50</title>" in svg
    assert "GMV &lt;per day&gt;" in svg and "<per day>" not in svg
    assert '>¥50</text>' in svg  # the top tick: 25.50 rounds up to 50


def test_a_line_chart_of_nothing_still_draws_its_axes():
    assert line_chart(Series("empty", [], [])).count('class="axis"') == 2
    flat = line_chart(Series("zeros", ["a", "b"], [0, 0]))
    assert flat.count("<circle") == 2 and "<polyline" in flat


def test_a_line_breaks_where_there_is_no_figure():
    svg = line_chart(Series("ratio", ["a", "b", "c", "d"], [Decimal("0.5"), None, Decimal("0.4"), Decimal("0.3")]))
    assert svg.count("<polyline") == 2 and svg.count("<circle") == 3
    assert bar_chart(Series("ratio", ["a", "b"], [None, 1])).count("<rect") == 2


def _ticks_x(svg: str, y: str) -> list[tuple[float, str]]:
    import re

    return [(float(x), label) for x, label in re.findall(rf'<text[^>]* x="([\d.]+)" y="{y}"[^>]*>([^<]*)</text>', svg)]


def _no_overlap(ticks, font_size=11, gap=6.0, width=640, left=64):
    from tuishou.core.chart_axis import label_width

    for (x1, a), (x2, b) in pairwise(ticks):
        assert x1 + label_width(a, font_size) / 2 + gap <= x2 - label_width(b, font_size) / 2, (a, b)
    # (x is written with one decimal)
    assert all(left + label_width(t, font_size) / 2 - 0.05 <= x <= width - label_width(t, font_size) / 2 + 0.05
               for x, t in ticks)


def test_the_x_labels_of_a_month_keep_the_first_and_last_day_and_never_overlap():
    days = [f"11-{d:02d}" for d in range(1, 31)]
    svg = bar_chart(Series("GMV", days, [1] * 30))
    ticks = _ticks_x(svg, "196")
    # every 4th day, and the last: the 29th, one slot before it, is dropped rather than drawn over it
    assert [label for _, label in ticks] == ["11-01", "11-05", "11-09", "11-13", "11-17", "11-21", "11-25", "11-30"]
    _no_overlap(ticks)
    for n in range(1, 93):
        _no_overlap(_ticks_x(line_chart(Series("x", [f"{i:02d}-01" for i in range(n)], [1] * n)), "196"))


def test_the_agency_growth_charts_labels_stay_inside_the_drawing_and_apart():
    from tuishou.network.charts import WIDTH
    from tuishou.network.charts import bar_chart as growth_bar
    from tuishou.network.charts import line_chart as growth_line

    for n in (2, 7, 30, 31, 90):
        labels = [f"12-{i:02d}" for i in range(n)]
        for svg in (growth_bar(title="t", labels=labels, values=[1] * n),
                    growth_line(title="t", labels=labels, values=list(range(n)))):
            ticks = _ticks_x(svg, "212")
            assert ticks[0][1] == "12-00" and ticks[-1][1] == labels[-1]
            _no_overlap(ticks, width=WIDTH, left=44)


def test_a_chart_of_counts_has_whole_grid_steps():
    from tuishou.reports.charts import whole_ceiling

    assert [whole_ceiling(v) for v in (0, 3, 5, 13, 20, 21, 41, 81, 101, 321, 801, 1001, 12000)] == [
        4, 4, 8, 16, 20, 40, 80, 100, 200, 400, 1000, 2000, 20000]
    svg = bar_chart(Series("orders", ["a", "b"], [22, 3], str, whole=True))
    ticks = [int(t) for t in re.findall(r'text-anchor="end">(\d+)</text>', svg)]
    assert ticks == [0, 10, 20, 30, 40]
    assert ">18.75<" not in bar_chart(Series("orders", ["a"], [25], str, whole=True))


def test_the_narrow_drawing_for_a_phone_is_360_wide_with_a_larger_font_and_its_labels_never_overlap():
    from tuishou.reports.charts import NARROW_FONT, NARROW_WIDTH, responsive

    days = [f"11-{d:02d}" for d in range(1, 31)]
    series = Series("GMV", days, [Decimal("1234.50")] * 30, lambda v: f"¥{v:,}")
    both = responsive(bar_chart, series)
    assert both.count("<svg") == 2 and both.startswith('<svg class="chart wide"')
    narrow = both[both.index('<svg class="chart narrow"'):]
    assert f'viewBox="0 0 {NARROW_WIDTH} 220"' in narrow and narrow.count("<rect") == 30
    ticks = _ticks_x(narrow, "196")
    # five dates at most, the first and the last kept (11-07 would touch 11-01, moved inwards to stay inside)
    assert [label for _, label in ticks] == ["11-01", "11-13", "11-19", "11-25", "11-30"]
    # the y labels (¥2,000 at the top) fit left of the axis: the axis moves right to make room for them
    left = float(re.search(r'<line class="axis" x1="([\d.]+)"', narrow).group(1))
    assert left == 10 + math.ceil(label_width("¥2,000", NARROW_FONT))
    _no_overlap(ticks, font_size=NARROW_FONT, width=NARROW_WIDTH, left=left)
    for n in range(1, 93):
        svg = line_chart(Series("x", [f"{i:02d}-01" for i in range(n)], [1] * n), narrow=True)
        axis = float(re.search(r'<line class="axis" x1="([\d.]+)"', svg).group(1))
        _no_overlap(_ticks_x(svg, "196"), font_size=NARROW_FONT, width=NARROW_WIDTH, left=axis)


def test_the_agency_growth_charts_narrow_drawing_keeps_its_labels_apart():
    from tuishou.network.charts import NARROW_FONT, NARROW_WIDTH, responsive
    from tuishou.network.charts import bar_chart as growth_bar

    labels = [f"12-{i:02d}" for i in range(30)]
    both = responsive(growth_bar, title="t", labels=labels, values=[1] * 30)
    assert both.count("<svg") == 2 and 'class="wide"' in both and 'class="narrow"' in both
    narrow = both[both.index("<svg", 1):]
    assert f'viewBox="0 0 {NARROW_WIDTH} 220"' in narrow and f'font-size="{NARROW_FONT}"' in narrow
    ticks = _ticks_x(narrow, "212")
    assert len(ticks) <= 5 and ticks[0][1] == "12-00" and ticks[-1][1] == "12-29"
    _no_overlap(ticks, font_size=NARROW_FONT, width=NARROW_WIDTH, left=44)


def test_a_change_on_the_dashboard_carries_its_sign():
    from tuishou.reports.templatetags.report_charts import change, points

    assert [change(v) for v in (Decimal("0.2354"), Decimal("-0.0187"), Decimal("0"), Decimal("0.00001"), None)] == [
        "+23.54%", "-1.87%", "0.00%", "0.00%", "–"]
    assert [points(v) for v in (Decimal("0.0144"), Decimal("-0.0057"), Decimal("0"), None)] == [
        "+1.44", "-0.57", "0.00", "–"]
