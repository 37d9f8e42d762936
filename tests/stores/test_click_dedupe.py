"""Share-link statistics cannot be inflated (issue 12, item 9): repeated opens by one visitor count once per
window (by cookie, account, or address + user agent), known bots count nothing, and only digests are kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.stores import factories as f
from tuishou.core.bots import is_bot
from tuishou.stores import selectors, services
from tuishou.stores.models import AttributionVisit, ConsumerBinding, ShareClick

pytestmark = pytest.mark.django_db

PHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 "
         "MicroMessenger/8.0.47")
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36"


def _link():
    return services.share_link_get_or_create(promoter=f.root("阿花"), target="store")


def _stats(link) -> tuple[int, int]:
    stats = selectors.link_stats(link)
    return stats.clicks, stats.unique_visitors


def test_thirty_opens_without_cookies_from_one_device_count_as_one(client):
    link = _link()

    for _ in range(30):
        client.cookies.clear()
        assert client.get(f"/s/{link.code}", HTTP_USER_AGENT=PHONE).status_code == 302

    assert _stats(link) == (1, 1)
    assert ShareClick.objects.count() == 1


def test_another_device_or_another_address_is_another_visitor(client):
    link = _link()

    client.get(f"/s/{link.code}", HTTP_USER_AGENT=PHONE, REMOTE_ADDR="10.0.0.1")
    client.cookies.clear()
    client.get(f"/s/{link.code}", HTTP_USER_AGENT=DESKTOP, REMOTE_ADDR="10.0.0.1")
    client.cookies.clear()
    client.get(f"/s/{link.code}", HTTP_USER_AGENT=PHONE, REMOTE_ADDR="10.0.0.2")

    assert _stats(link) == (3, 3)


def test_a_cookie_keeps_a_visitor_one_even_from_another_address(client):
    link = _link()

    client.get(f"/s/{link.code}", HTTP_USER_AGENT=PHONE, REMOTE_ADDR="10.0.0.1")
    client.get(f"/s/{link.code}", HTTP_USER_AGENT=PHONE, REMOTE_ADDR="10.9.9.9")  # moved from Wi-Fi to 4G

    assert _stats(link) == (1, 1)


def test_the_same_visitor_counts_again_after_the_window(settings):
    link = _link()
    now = timezone.now()

    def open_(key, at):
        services.share_click_record(link=link, visitor_key=key, user=None, user_agent=PHONE, ip="10.0.0.1", at=at)

    open_("k1", now - timedelta(hours=25))  # counts
    open_("k2", now - timedelta(hours=2))  # the same device 23 h later, without the cookie: not again
    open_("k3", now)  # 25 h after the first counted open: counts again
    assert _stats(link) == (2, 2)

    settings.TUISHOU = {**settings.TUISHOU, "CLICK_DEDUPE_HOURS": 1}
    open_("k1", now + timedelta(minutes=30))  # within the hour
    open_("k1", now + timedelta(minutes=61))  # past it
    assert _stats(link) == (3, 2)


def test_a_signed_in_visitor_counts_once_but_every_open_still_binds(client):
    link = _link()
    buyer = f.consumer()
    client.force_login(buyer)

    for agent in (PHONE, DESKTOP, PHONE):
        client.cookies.pop("ts_visitor", None)
        client.get(f"/s/{link.code}", HTTP_USER_AGENT=agent)

    assert _stats(link) == (1, 1)
    assert AttributionVisit.objects.filter(user=buyer).count() == 3
    assert ConsumerBinding.objects.filter(consumer=buyer).count() == 1


@pytest.mark.parametrize("agent", [
    "curl/8.5.0", "python-requests/2.32.3", "Wget/1.21.4", "Go-http-client/1.1",
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
    "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; "
    "Bytespider; spider-feedback@bytedance.com)",
    "WechatSpider/1.0", "QQ-URL-Manager", "facebookexternalhit/1.1", "WhatsApp/2.23.20.0",
    "TelegramBot (like TwitterBot)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36",
])
def test_known_bots_record_no_click_and_no_visit_but_are_redirected(client, agent):
    link = _link()

    answer = client.get(f"/s/{link.code}", HTTP_USER_AGENT=agent)

    assert answer.status_code == 302
    assert (ShareClick.objects.count(), AttributionVisit.objects.count()) == (0, 0)


@pytest.mark.parametrize("agent", [
    PHONE, DESKTOP,
    "Mozilla/5.0 (Linux; Android 13; V2218A) AppleWebKit/537.36 Chrome/108.0 Mobile Safari/537.36 "
    "XWEB/5235 MMWEBSDK/20230701 MicroMessenger/8.0.40.2420(0x28002837) WeChat/arm64 Weixin NetType/WIFI",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 QQ/8.9.80.612",
    "Mozilla/5.0 (Linux; Android 12) AppleWebKit/537.36 Chrome/99.0 Mobile Safari/537.36 SogouMobileBrowser/5.38",
])
def test_people_in_browsers_and_chat_apps_are_not_bots(agent):
    assert not is_bot(agent)


def test_extra_bot_patterns_are_a_setting(settings):
    settings.TUISHOU_BOT_USER_AGENTS = ["MyScanner"]

    assert is_bot("Mozilla/5.0 myscanner/1.0")
    assert not is_bot(DESKTOP)


def test_opens_without_a_user_agent_count_once_per_address(client):
    link = _link()

    for address in ("10.0.0.1", "10.0.0.1", "10.0.0.1", "10.0.0.2"):
        client.cookies.clear()
        client.get(f"/s/{link.code}", REMOTE_ADDR=address)

    assert _stats(link) == (2, 2)


def test_only_digests_are_stored(client):
    link = _link()

    client.get(f"/s/{link.code}", HTTP_USER_AGENT=PHONE, REMOTE_ADDR="203.0.113.7")

    click = ShareClick.objects.get()
    stored = " ".join(str(v) for v in ShareClick.objects.values().get().values())
    assert len(click.visitor_hash) == 64 and len(click.user_agent_hash) == 64
    assert "203.0.113.7" not in stored and "iPhone" not in stored
