"""The Django admin reads Chinese by default: the site's titles, the apps, the models and a changelist's columns
(Debian's Chromium at a desk size). Screenshots go to ``tests/artifacts/ops-promoters/``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.network import factories as nf
from tuishou.accounts.services import operator_role_grant, user_create
from tuishou.demo.accounts import DEMO_PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "ops-promoters"


@pytest.mark.django_db(transaction=True)
def test_the_admin_index_and_a_changelist_read_chinese(live_server, browser):
    admin = user_create(phone="13800000001", password=DEMO_PASSWORD, display_name="平台管理员", validate=False)
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    operator_role_grant(actor=None, user=admin, role="admin")
    nf.invitee(nf.root(display_name="阿花"), "林小满")
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    page.goto("/admin/login/")
    page.fill("#id_username", "13800000001")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("input[type=submit]")
    assert page.inner_text("#site-name") == "推手 Tuishou · 运营后台"
    content = page.inner_text("#content-main")
    for words in ("推手网络", "推手", "社群", "更换导师申请", "账本", "记账分录", "钱包与提现", "风控与审计",
                  "操作日志"):
        assert words in content, words
    for english in ("Network", "Promoters", "Communities", "Ledger", "Journal entries", "Audit entries"):
        assert english not in content, english
    page.screenshot(path=str(ARTIFACTS / "admin-index.png"), full_page=True)

    page.goto("/admin/network/promoter/")
    headers = page.inner_text("#result_list thead")
    for words in ("用户", "社群", "上级", "邀请码", "阶段", "等级", "加入方式", "层级", "创建时间"):
        assert words in headers, words
    assert page.inner_text("#content h1") == "选择 推手 来修改"
    assert "阿花" in page.inner_text("#result_list")
    page.screenshot(path=str(ARTIFACTS / "admin-promoters.png"), full_page=True)
    context.close()
