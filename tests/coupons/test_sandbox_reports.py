"""The sandbox coupon platform tells the same report for the same window of days back, whatever today is: the
demo and its tests count on the figures (they were wrong on one date and right on the next)."""

from datetime import date, timedelta

from tuishou.coupons.connectors.sandbox import SandboxConnector

CODES = [f"ts{n:06d}" for n in range(17)]


def _report(today: date, back: tuple[int, int]) -> list[tuple]:
    platform = SandboxConnector(seed=11, today=today)
    rows = platform.order_report(start=today - timedelta(days=back[0]), end=today - timedelta(days=back[1]),
                                 tracking_codes=CODES)
    return [(line, row["order_id"], row["tracking_code"], row["status"], row["amount"]) for line, row in rows]


def test_a_window_of_days_back_reads_the_same_report_on_any_date():
    first = _report(date(2026, 12, 4), (62, 15))
    assert len(first) > 40
    for today in (date(2026, 12, 5), date(2027, 2, 28), date(2028, 2, 29)):
        assert _report(today, (62, 15)) == first
    assert _report(date(2026, 12, 5), (14, 1)) == _report(date(2027, 3, 1), (14, 1))
