"""An operator signs in to the back office in a real browser and finds the demo's people and goods."""

import pytest

from tuishou.demo.accounts import DEMO_PASSWORD
from tuishou.demo.loader import demo_load
from tuishou.network.models import Community, Promoter


@pytest.mark.django_db(transaction=True)
def test_operator_signs_in_and_browses_promoters_products_and_plans(live_server, page, tmp_path):
    demo_load(seed=11, promoters=150)
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
