from tuishou.network import charts


def test_bars_scale_to_a_round_maximum_and_carry_their_values():
    svg = charts.bar_chart(title="新增 <推手>", labels=["05-01", "05-02", "05-03"], values=[0, 3, 7])
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 720 220" role="img"')
    assert 'aria-label="新增 &lt;推手&gt;"' in svg and "<推手>" not in svg
    assert [charts._nice_max(v) for v in (0, 1, 3, 7, 12, 99, 101)] == [1, 1, 5, 10, 20, 100, 200]
    # the tallest bar (7 of 10) is 70% of the 180-pixel plot: 126 px
    assert svg.count("<rect ") == 3 and 'height="126.0" fill="#e4393c" data-value="7"' in svg
    assert "<title>05-03: 7</title>" in svg


def test_a_line_has_one_point_per_value_and_survives_a_single_day():
    svg = charts.line_chart(title="总数", labels=["05-01", "05-02"], values=[4, 5])
    assert svg.count("<circle ") == 2 and "<polyline " in svg
    single = charts.line_chart(title="总数", labels=["05-01"], values=[0])
    assert single.count("<circle ") == 1 and single.endswith("</svg>")
