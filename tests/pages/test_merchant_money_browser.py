"""Merchants get paid, in a real browser at a desk (Debian's Chromium, 1440×900): the merchant requests a
withdrawal, finance approves it in the review queue, the payout sandbox's callback pays it, and the merchant's
statement shows it. Screenshots of every step go to ``tests/artifacts/merchant-money/``."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from tests.merchant_money import factories as f
from tuishou.wallets.models import Withdrawal

DESK = {"width": 1440, "height": 900}
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "merchant-money"
PASSWORD = "merchant-money-1"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desk(browser, live_server):
    def open_desk():
        context = browser.new_context(locale="zh-CN", viewport=DESK, base_url=live_server.url)
        return context.new_page()
    return open_desk


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("load")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, user, next_url: str) -> None:
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    page.goto(f"/account/login/?next={next_url}")
    page.fill("#id_username", user.phone)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"^https?://[^/]+" + re.escape(next_url) + "$"))


def test_the_merchant_withdraws_finance_approves_the_sandbox_pays_and_the_statement_shows_it(desk, after_commit):
    shop = f.merchant()
    f.settled_sale(after_commit, shop)  # 400.00 paid, fee 20.00, commissions 80.00: 300.00 available
    f.account_set(shop)
    owner, finance = f.owner(shop), f.finance()

    merchant_page = desk()
    sign_in(merchant_page, owner, "/merchant/payouts/")
    assert merchant_page.inner_text("[data-testid=withdrawable]") == "¥300.00"
    shoot(merchant_page, "01-payouts")

    # more than is available: the error beside the amount, what was typed kept, nothing written
    merchant_page.fill("#id_amount", "300.01")
    merchant_page.get_by_role("button", name="申请提现").click()
    assert "300.00" in merchant_page.inner_text("#id_amount_error")
    assert merchant_page.input_value("#id_amount") == "300.01"
    assert not Withdrawal.objects.exists()
    shoot(merchant_page, "02-too-much")

    merchant_page.fill("#id_amount", "120.00")
    merchant_page.get_by_role("button", name="申请提现").click()
    merchant_page.wait_for_url(re.compile(r"/merchant/payouts/$"))
    assert merchant_page.inner_text("[data-testid=frozen]") == "¥120.00"
    assert "审核中" in merchant_page.inner_text("table.table")
    shoot(merchant_page, "03-requested")

    finance_page = desk()
    sign_in(finance_page, finance, "/ops/withdrawals/")
    finance_page.select_option("select[name=payee]", "merchant")
    finance_page.locator("form[role=search] button[type=submit]").click()
    finance_page.wait_for_url(re.compile(r"payee=merchant"))
    row = finance_page.locator("table.table tbody tr").first
    assert "山野优品" in row.inner_text() and "¥120.00" in row.inner_text()
    shoot(finance_page, "04-review-queue")
    row.locator("a").first.click()
    finance_page.wait_for_url(re.compile(r"/ops/withdrawals/\d+/$"))
    shoot(finance_page, "05-review")
    finance_page.locator("[data-testid=approve]").click()
    finance_page.wait_for_url(re.compile(r"/ops/withdrawals/\d+/$"))
    # the payout task and the sandbox's signed callback ran after the approval's commit
    withdrawal = Withdrawal.objects.get()
    assert withdrawal.status == "paid", withdrawal.status
    finance_page.reload()
    assert finance_page.inner_text("[data-testid=status]") == "已到账"
    shoot(finance_page, "06-paid")

    merchant_page.goto("/merchant/payouts/")
    assert merchant_page.inner_text("[data-testid=withdrawn]") == "¥120.00"
    assert merchant_page.inner_text("[data-testid=withdrawable]") == "¥180.00"
    shoot(merchant_page, "07-paid")

    merchant_page.goto("/merchant/statements/")
    this_month = merchant_page.locator("[data-testid=monthly-statements] tbody tr").first
    cells = this_month.locator("td").all_inner_texts()
    assert cells[0] == timezone.localtime().strftime("%Y-%m")
    assert cells[1:9] == ["¥0.00", "¥400.00", "¥20.00", "¥80.00", "¥0.00", "¥120.00", "¥0.00", "¥180.00"]
    shoot(merchant_page, "08-statements")
    this_month.locator("a").click()
    merchant_page.wait_for_url(re.compile(r"/merchant/statements/\d{4}-\d{2}/$"))
    assert merchant_page.inner_text("[data-figure=withdrawals]") == "¥120.00"
    assert merchant_page.inner_text("[data-figure=closing]") == "¥180.00"
    assert "提现到账" in merchant_page.inner_text("main")
    shoot(merchant_page, "09-statement-month")

    # on a phone each month is a card: every figure beside its name, two figures a line, nothing wider than the screen
    merchant_page.set_viewport_size({"width": 390, "height": 844})
    merchant_page.goto("/merchant/statements/")
    card = merchant_page.locator("[data-testid=monthly-statements] tbody tr").first
    labels = card.locator("td").evaluate_all("cells => cells.map(cell => cell.dataset.label)")
    assert labels[:5] == ["月份", "期初余额", "销售额", "平台服务费", "承担佣金"]
    opening, sales, fee = (card.locator("td").nth(i).bounding_box() for i in (1, 2, 3))
    assert opening["y"] == sales["y"] < fee["y"] and opening["x"] < sales["x"]
    assert merchant_page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(merchant_page, "10-statements-phone")
    assert f.balances(shop)["withdrawn"] == Decimal("120.00")
