"""An operator at a desk (Debian's Chromium, 1440×900, in Chinese): signs in as the demo admin (13800000001),
finds a promoter by name in /ops/promoters/, tries to freeze without a reason (refused beside the field),
freezes with one, and reads the audit trail. Screenshots go to ``tests/artifacts/ops-promoters/``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.network import factories as nf
from tuishou.accounts.services import operator_role_grant, user_create
from tuishou.demo.accounts import DEMO_PASSWORD
from tuishou.network.models import Promoter
from tuishou.risk.models import AuditEntry

DESK = {"width": 1440, "height": 900}
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "ops-promoters"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desk(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport=DESK, base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("load")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_an_operator_finds_a_promoter_freezes_them_with_a_reason_and_reads_the_audit_trail(desk):
    admin = user_create(phone="13800000001", password=DEMO_PASSWORD, display_name="平台管理员", validate=False)
    operator_role_grant(actor=None, user=admin, role="admin")
    root = nf.root(display_name="阿花")
    target = nf.invitee(root, "林小满")
    nf.invitee(target, "周周")
    for n in range(5):
        nf.invitee(root, f"推手{n}")

    desk.goto("/account/login/?next=/ops/promoters/")
    desk.fill("#id_username", "13800000001")
    desk.fill("#id_password", DEMO_PASSWORD)
    desk.locator("main button[type=submit]").click()
    desk.wait_for_url(re.compile(r"/ops/promoters/$"))
    assert desk.locator("h1").inner_text() == "推手"
    assert desk.locator(".list-meta").inner_text() == "共 8 行"
    _shot(desk, "01-list")

    desk.fill("input[name=q]", "林小满")
    desk.locator("form.toolbar button[type=submit]").click()
    desk.wait_for_url(re.compile(r"q=%E6%9E%97"))
    rows = desk.locator("table.table tbody tr")
    assert rows.count() == 1 and "林小满" in rows.first.inner_text()
    _shot(desk, "02-found")

    rows.first.locator("a", has_text="林小满").click()
    desk.wait_for_url(re.compile(rf"/ops/promoters/{target.pk}/$"))
    assert desk.get_by_test_id("chain").inner_text().strip() == "阿花"
    assert desk.get_by_test_id("team").inner_text().strip() == "团队 1 人，直属 1 人"
    assert "暂无运营操作。" in desk.locator("main").inner_text()

    freeze = desk.get_by_test_id("action-freeze")
    freeze.locator("summary").click()
    freeze.locator("button[type=submit]").click()  # no reason
    desk.wait_for_load_state("load")
    assert "请填写原因：它会记入操作日志。" in desk.get_by_test_id("action-freeze").inner_text()
    assert Promoter.objects.get(pk=target.pk).frozen_at is None
    _shot(desk, "03-reason-missing")

    desk.get_by_test_id("action-freeze").locator("textarea").fill("同一地址集中下单，疑似刷单")
    desk.get_by_test_id("action-freeze").locator("button[type=submit]").click()
    desk.wait_for_url(re.compile(rf"/ops/promoters/{target.pk}/$"))
    assert "已冻结该推手。" in desk.locator(".alert").first.inner_text()
    assert "同一地址集中下单，疑似刷单" in desk.get_by_test_id("frozen").inner_text()
    trail = desk.get_by_test_id("audit").inner_text()
    assert "已冻结" in trail and "network.promoter_frozen" in trail and "同一地址集中下单，疑似刷单" in trail
    assert "平台管理员" in trail
    assert desk.get_by_test_id("action-unfreeze").count() == 1
    width = desk.evaluate("document.documentElement.scrollWidth")
    assert width <= DESK["width"]
    _shot(desk, "04-frozen-audit-trail")

    entry = AuditEntry.objects.get(action="network.promoter_frozen")
    assert (entry.actor_id, entry.target_id, entry.reason) == (admin.pk, str(target.pk), "同一地址集中下单，疑似刷单")
