"""Sign-up codes in tests: ask for one as a person does, then read it from the SMS sandbox (what the phone got)."""

from __future__ import annotations

import re

from tuishou.accounts.models import SandboxSms
from tuishou.accounts.phone_codes import signup_code_send


def last_sms(phone: str) -> str:
    """The text of the latest message the SMS sandbox recorded for ``phone``."""
    return SandboxSms.objects.filter(phone=phone).order_by("-sent_at", "-id").values_list("text", flat=True)[0]


def code_in(text: str) -> str:
    """The code in an SMS; "" for a message without one (a registered number is told to sign in instead)."""
    found = re.search(r"\d{6}", text)
    return found.group(0) if found else ""


def signup_code(phone: str, client=None) -> str:
    """Ask for a sign-up code for ``phone`` (through the API with ``client``, else the service) and return it."""
    if client is not None:
        answer = client.post("/api/v1/auth/signup/code", {"phone": phone}, content_type="application/json")
        assert answer.status_code == 202, answer.content
    else:
        signup_code_send(phone=phone, ip="127.0.0.1")
    return code_in(last_sms(phone))


def fill_signup_code(page, phone: str) -> None:
    """On the sign-up page in the browser (phone already typed): tap "Send code" (htmx), wait for "sent", and
    type the code the SMS sandbox recorded."""
    from playwright.sync_api import expect

    page.locator("button[name=send_code]").click()
    expect(page.locator("#code-status")).to_contain_text("短信已发送", timeout=10_000)
    page.fill("#id_code", code_in(last_sms(phone)))
