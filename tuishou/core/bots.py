"""Known automated clients (爬虫、链接预览、脚本), told apart by their user agent.

A share link pasted into a chat is fetched by the chat's link-preview service before any person opens it, and
crawlers and scripts open links nobody clicked. Counting those as clicks would pay promoters for traffic that
never was. The list is deliberately of substrings that a person's browser does not send; in-app browsers of
WeChat (``MicroMessenger``) and QQ (``QQ/``) are people and are not on it. A deployment adds its own
(lower-case) patterns with ``TUISHOU_BOT_USER_AGENTS``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.conf import settings

BOT_USER_AGENT_PATTERNS: tuple[str, ...] = (
    # Crawlers of search engines and the like (Baiduspider, Googlebot, bingbot, Sogou web spider, YisouSpider,
    # Bytespider, 360Spider, AhrefsBot, …).
    "bot", "spider", "crawl", "slurp", "archiver", "mediapartners",
    # Link previews of chat and social apps: WeChat's and QQ's fetchers, Facebook, WhatsApp, Telegram, Slack,
    # Discord, Skype, LinkedIn, Twitter, Apple's iMessage.
    "wechatspider", "qq-url-manager", "facebookexternalhit",
    "facebookcatalog", "whatsapp", "telegrambot", "slackbot", "discordbot", "skypeuripreview", "linkedinbot",
    "embedly", "iframely", "linkpreview", "link-preview",
    # Scripts and HTTP libraries.
    "curl/", "wget/", "python-requests", "python-urllib", "python-httpx", "aiohttp", "httpclient", "okhttp",
    "go-http-client", "java/", "libwww-perl", "node-fetch", "axios/", "scrapy", "postmanruntime", "insomnia",
    "http_request", "php/",
    # Headless and automated browsers.
    "headlesschrome", "phantomjs", "puppeteer", "playwright", "selenium", "webdriver", "lighthouse",
    "chrome-lighthouse", "pagespeed", "uptimerobot", "pingdom", "statuscake",
)


@lru_cache(maxsize=8)
def _pattern(extra: tuple[str, ...]) -> re.Pattern:
    words = [w.strip().lower() for w in (*BOT_USER_AGENT_PATTERNS, *extra) if w.strip()]
    return re.compile("|".join(re.escape(w) for w in words))


def is_bot(user_agent: str | None) -> bool:
    """Whether ``user_agent`` is a known automated client. A request without one is not taken for a bot (nothing
    is known of it); its repeats are still counted once per window by address (``stores.services``)."""
    agent = (user_agent or "").strip().lower()
    if not agent:
        return False
    extra = tuple(getattr(settings, "TUISHOU_BOT_USER_AGENTS", ()) or ())
    return _pattern(extra).search(agent) is not None
