"""The operators' desks in a real browser on the demo's history: an operator signs in to the back office and finds
the demo's people and goods; finance reads the dashboard for a date range at a desk size and exports the income
disclosure as CSV. Screenshots of the dashboards go to ``tests/artifacts/dashboards/``.

One test in three steps on one load of the demo (``demo_load(seed=11, promoters=150)`` takes ~33 s of CPU): the
pages need a live server, whose transactional test database is emptied after every test, and neither step writes
what another reads (the first only browses the admin, the second reads the dashboard and its export, the third
lays the dashboards out on a phone: ``dashboard_phone``).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest

from tests.pages.dashboard_phone import the_dashboards_fit_a_phone_and_their_axis_labels_never_overlap
from tuishou.accounts.models import User
from tuishou.core.templatetags.ui import money
from tuishou.demo.accounts import DEMO_PASSWORD
from tuishou.demo.loader import demo_load
from tuishou.network.models import Community, Promoter
from tuishou.reports.selectors.dashboard import ops_dashboard
from tuishou.reports.selectors.income import income_csv_rows, income_disclosure
from tuishou.reports.selectors.scope import Period, platform_today, scope_resolve

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "dashboards"


@pytest.mark.django_db(transaction=True)
def test_operators_browse_the_back_office_then_read_the_dashboard_and_export_the_income_report(live_server, browser,
                                                                                             page, tmp_path):
    demo_load(seed=11, promoters=150)
    operator_signs_in_and_browses_promoters_products_and_plans(live_server, page, tmp_path)
    finance_reads_the_dashboard_and_exports_the_income_report(live_server, browser)
    the_dashboards_fit_a_phone_and_their_axis_labels_never_overlap(live_server, browser)


def operator_signs_in_and_browses_promoters_products_and_plans(live_server, page, tmp_path):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "13800000001")  # phone login
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("input[type=submit]")
    assert page.inner_text("#site-name") == "推手 Tuishou · 运营后台"

    xinghuo = Community.objects.get(code="XINGHUO")
    page.goto(f"{live_server.url}/admin/network/promoter/?community__id__exact={xinghuo.pk}")
    assert page.inner_text(".paginator").strip().startswith("80 ")
    mentor = Promoter.objects.get(user__username="promoter_mentor")
    page.goto(f"{live_server.url}/admin/network/promoter/?q={mentor.invite_code}")
    assert mentor.invite_code in page.inner_text("#result_list")

    page.goto(f"{live_server.url}/admin/campaigns/campaign/?status__exact=launched")
    assert "玻尿酸补水面膜 10 片装" in page.inner_text("#result_list")

    page.goto(f"{live_server.url}/admin/incentives/planversion/")
    assert page.locator("#result_list tbody tr").count() == 5  # a plan in force per community, the agency's two drafts
    page.click("text=Import plan")
    assert page.locator("textarea[name=source]").count() == 1
    page.screenshot(path=str(tmp_path / "back-office.png"), full_page=True)


def finance_reads_the_dashboard_and_exports_the_income_report(live_server, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    finance = User.objects.get(username="ops_finance")
    last = platform_today() - timedelta(days=1)
    period = Period(last - timedelta(days=20), last)
    board = ops_dashboard(user=finance, period=period, scope=scope_resolve())
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900}, base_url=live_server.url,
                                  accept_downloads=True)
    page = context.new_page()
    try:
        page.goto("/account/login/?next=/ops/")
        page.fill("#id_username", finance.phone)
        page.fill("#id_password", DEMO_PASSWORD)
        page.locator("main button[type=submit]").click()
        page.wait_for_url(re.compile(r"/ops/$"))
        assert page.locator(".charts svg.wide").count() == 8 and page.locator(".charts svg.narrow").count() == 8
        page.screenshot(path=str(ARTIFACTS / "01-dashboard-last-30-days.png"), full_page=True)

        page.fill("input[name=start]", period.first.isoformat())
        page.fill("input[name=end]", period.last.isoformat())
        page.locator(".toolbar button[type=submit]").click()
        page.wait_for_url(re.compile(r"start=" + period.first.isoformat()))
        kpis = {k.key: k.value for k in board.kpis}
        assert kpis["gmv"] > 0 and kpis["orders"] > 0  # the demo's history reaches into the chosen range
        assert page.inner_text("[data-kpi=gmv]") == money(kpis["gmv"])
        assert page.inner_text("[data-kpi=orders]") == str(kpis["orders"])
        assert page.inner_text("h1") == page.inner_text(".desk-side a[aria-current=page] span:last-child")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1440
        page.screenshot(path=str(ARTIFACTS / "02-dashboard-date-range.png"), full_page=True)

        page.fill("input[name=start]", period.last.isoformat())
        page.fill("input[name=end]", period.first.isoformat())
        page.locator(".toolbar button[type=submit]").click()
        page.wait_for_selector(".alert.error")
        assert "晚于结束日期" in page.inner_text(".alert.error")
        page.screenshot(path=str(ARTIFACTS / "03-dashboard-reversed-range.png"), full_page=True)

        page.locator(".desk-side a[href='/ops/income/']").click()
        page.wait_for_url(re.compile(r"/ops/income/$"))
        assert page.inner_text("h1") == page.inner_text(".desk-side a[aria-current=page] span:last-child")
        page.screenshot(path=str(ARTIFACTS / "04-income-disclosure.png"), full_page=True)
        with page.expect_download() as download:
            page.locator("a[download]").click()
        text = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert list(csv.reader(io.StringIO(text))) == income_csv_rows(income_disclosure(user=finance,
                                                                                      scope=scope_resolve()))
    finally:
        context.close()
