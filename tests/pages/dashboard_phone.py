"""The dashboards on a phone (390 px) and at a desk: the operator's charts and income table, and the agency's growth
charts, never make the page wider than the screen, no two labels of a chart overlap (their boxes in the real
browser), and the labels print at a size a person reads (11 px or more on a phone). Screenshots go to
``tests/artifacts/dashboards/``.

A step of ``test_back_office``'s one test, on its load of the demo: loading the demo is the dearest part of either
(~30 s of CPU), and neither writes what the other reads."""

from __future__ import annotations

import re
from pathlib import Path

from tuishou.demo.accounts import DEMO_PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "dashboards"
PHONE, DESK = {"width": 390, "height": 844}, {"width": 1440, "height": 900}

# Every shown chart's text boxes as the browser lays them out: [[left, top, right, bottom, text], …] per chart, the
# chart's own box, and the size its labels are printed at on the screen (the font size in the drawing's units times
# the drawing's scale). A chart is drawn twice, wide and narrow; the stylesheet hides the one that does not fit.
TEXT_BOXES = """() => Array.from(document.querySelectorAll('figure.chart svg'))
 .filter(svg => svg.getBoundingClientRect().width > 0).map(svg => {
  const r = svg.getBoundingClientRect(), scale = r.width / svg.viewBox.baseVal.width;
  return {svg: [r.left, r.top, r.right, r.bottom], texts: Array.from(svg.querySelectorAll('text')).map(t => {
    const b = t.getBoundingClientRect();
    return [b.left, b.top, b.right, b.bottom, t.textContent];
  }), fonts: Array.from(svg.querySelectorAll('text')).map(t => parseFloat(getComputedStyle(t).fontSize) * scale)};
})"""
SMALLEST_LABEL = {"phone": 11.0, "desk": 9.0}  # px on the screen


def _overlaps(charts: list[dict]) -> list[tuple[str, str]]:
    """Pairs of labels of one chart whose boxes intersect, and labels sticking out of their chart."""
    found = []
    for chart in charts:
        texts = chart["texts"]
        for i, a in enumerate(texts):
            for b in texts[i + 1:]:
                if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                    found.append((a[4], b[4]))
            left, _top, right, _bottom = chart["svg"]
            if a[0] < left - 0.5 or a[2] > right + 0.5:
                found.append((a[4], "outside its chart"))
    return found


def _sign_in(browser, live_server, phone: str, viewport: dict):
    context = browser.new_context(locale="zh-CN", viewport=viewport, base_url=live_server.url)
    page = context.new_page()
    page.goto("/account/login/")
    page.fill("#id_username", phone)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    return context, page


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def the_dashboards_fit_a_phone_and_their_axis_labels_never_overlap(live_server, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for size, viewport in (("phone", PHONE), ("desk", DESK)):
        context, page = _sign_in(browser, live_server, "13800000001", viewport)
        try:
            page.goto("/ops/")
            charts = page.evaluate(TEXT_BOXES)
            assert len(charts) == 8 and all(len(c["texts"]) >= 7 for c in charts)  # five y ticks, two days or more
            page.screenshot(path=str(ARTIFACTS / f"10-dashboard-{size}.png"), full_page=True)
            assert _fits(page)
            assert _overlaps(charts) == []
            assert min(f for c in charts for f in c["fonts"]) >= SMALLEST_LABEL[size]

            page.goto("/ops/income/")
            assert page.locator("table").count() >= 1
            page.screenshot(path=str(ARTIFACTS / f"11-income-{size}.png"), full_page=True)
            assert _fits(page)
        finally:
            context.close()

        context, page = _sign_in(browser, live_server, "13800000020", viewport)
        try:
            page.goto("/agency/growth/")
            page.wait_for_url(re.compile(r"/agency/growth/"))
            charts = page.evaluate(TEXT_BOXES)
            assert len(charts) == 2 and all(len(c["texts"]) >= 4 for c in charts)
            page.screenshot(path=str(ARTIFACTS / f"12-agency-growth-{size}.png"), full_page=True)
            assert _fits(page)
            assert _overlaps(charts) == []
            assert min(f for c in charts for f in c["fonts"]) >= SMALLEST_LABEL[size]
        finally:
            context.close()
