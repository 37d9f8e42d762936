"""The SVG chart helper (pure Python): axes, one tooltip per point, text escaped, empty and zero series drawn."""

from decimal import Decimal

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
