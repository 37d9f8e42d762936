"""The unread count on 我的 in a real browser: on the phone's tab bar and in the desk-width top nav it is a red
badge apart from the label; at 1440 px it had no style there and read 我的81."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tuishou.accounts.services import user_create
from tuishou.notifications.models import Message

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "tuishou-demo"


@pytest.mark.parametrize("width", [390, 1440])
def test_the_unread_count_is_a_red_badge_beside_我的_at_both_sizes(live_server, browser, width):
    person = user_create(phone="13900000081", password=PASSWORD, display_name="小王")
    for n in range(3):
        Message.objects.create(recipient=person, kind="team_joined", key=f"t:{n}", params={"name": f"成员{n}"},
                               created_at=timezone.now())
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/account/login/?next=/")
        page.fill("#id_username", person.phone)
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")
        nav = ".desknav" if width == 1440 else ".tabbar"
        badge = page.locator(f"{nav} a:has(.dot) .dot")
        label = page.locator(f"{nav} a:has(.dot) span:not(.icon):not(.dot)")
        assert label.inner_text() == "我的" and badge.inner_text() == "3"
        style = badge.evaluate("e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color, "
                               "getComputedStyle(e).borderTopLeftRadius]")
        assert style == ["rgb(228, 57, 60)", "rgb(255, 255, 255)", "9px"]
        if width == 1440:  # beside the label, not run into it
            assert badge.bounding_box()["x"] >= label.bounding_box()["x"] + label.bounding_box()["width"] + 4
    finally:
        context.close()
