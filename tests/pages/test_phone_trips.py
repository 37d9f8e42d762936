"""What a person trips over on a phone (Debian's Chromium, 390×844, touch, zh-CN), found by doing the merchant's
and the buyer's jobs by hand:

- a form sent back with an error reopens where the error is (the shipping form and the answer to an after-sales
  case sit below the fold: the page used to reopen at its top with nothing seen to have happened);
- a choice in a list of radio buttons is a whole line high, not a 13-pixel dot;
- "added to cart" shows just above the bar whose button was tapped, not below the fold behind it;
- the merchant's staff page says 添加员工 (the agency's 添加运营人员 won the shared message id);
- the SKU form says what an SKU code is.

Screenshots to ``tests/artifacts/phone-trips/<test>/``."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.orders import factories as f
from tests.pages.test_buying import PASSWORD, PHONE

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "phone-trips"
pytestmark = pytest.mark.django_db(transaction=True)

@pytest.fixture
def phone(browser, live_server, request):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True,
                                  base_url=live_server.url)
    page = context.new_page()
    folder = ARTIFACTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    page.shot = lambda name: page.screenshot(path=str(folder / f"{name}.png"))
    yield page
    context.close()


def _sign_in(page, phone_number: str, next_path: str) -> None:
    page.goto(f"/account/login/?next={next_path}")
    page.fill("#id_username", phone_number)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").tap()
    page.wait_for_url(re.compile(r"^https?://[^/]+" + re.escape(next_path) + "$"))


def test_the_merchant_staff_and_sku_forms_say_what_they_mean(phone):
    item = f.sku(title="云南高山蜂蜜", spec_name="500g×2瓶", status="draft")
    owner = f.owner(item.product.merchant)
    owner.set_password(PASSWORD)
    owner.save(update_fields=["password"])
    _sign_in(phone, owner.phone, "/merchant/staff/")
    main = phone.inner_text("main")
    assert "添加员工" in main and "运营人员" not in main and "店主" not in main
    assert phone.get_by_role("button", name="添加", exact=True).is_visible()
    phone.shot("staff")

    phone.goto(f"/merchant/products/{item.product_id}/")
    phone.locator("summary", has_text="添加 SKU").tap()
    help_text = phone.locator(".field:has(#id_code) .help")
    assert help_text.inner_text() == "您自己给这个规格编的货号，每个规格不同，例如：PU-100G。"
    phone.shot("sku-form")
