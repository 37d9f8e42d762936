"""Signing in through the login page, as a person does, in the browser tests."""

from __future__ import annotations

import re


def sign_in(page, phone: str, next_url: str, *, password: str) -> None:
    """Sign in on ``/account/login/?next=…`` and wait until the page is ``next_url``."""
    page.goto(f"/account/login/?next={next_url}")
    page.fill("#id_username", phone)
    page.fill("#id_password", password)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"^https?://[^/]+" + re.escape(next_url) + "$"))
