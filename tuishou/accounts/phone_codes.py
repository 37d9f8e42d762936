"""Sign-up codes (短信验证码): the phone number is verified with a one-time code sent by SMS, and signing up
never tells which numbers are registered.

Asking for a code always answers "sent". A registered number gets a message saying it already has an account
(sign in instead) and no usable code, so the final step fails with the same ``accounts.phone_code_invalid``
as a wrong code. Codes live in Django's cache (Redis in production) as a keyed digest, never as the code:
``SIGNUP_CODE_MINUTES`` to live, ``SIGNUP_CODE_ATTEMPTS`` wrong tries, then it is gone; a new code at most every
``SIGNUP_CODE_RESEND_SECONDS`` and ``SIGNUP_CODE_DAILY_MAX`` times a day per number; one IP address asks for
codes and tries to sign up at most ``SIGNUP_PER_IP_HOUR`` times an hour each.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from tuishou.accounts.errors import AccountError
from tuishou.accounts.models import User
from tuishou.accounts.services import normalize_phone
from tuishou.accounts.sms import sms_send
from tuishou.core.errors import InvalidInput, TooManyRequests
from tuishou.core.throttle import throttle_hit

HOUR, DAY = 3600, 24 * 3600


def _conf(name: str) -> int:
    defaults = {"SIGNUP_CODE_MINUTES": 10, "SIGNUP_CODE_ATTEMPTS": 5, "SIGNUP_CODE_RESEND_SECONDS": 60,
                "SIGNUP_CODE_DAILY_MAX": 10, "SIGNUP_PER_IP_HOUR": 20}
    return int(settings.TUISHOU.get(name, defaults[name]))


def _digest(phone: str, code: str) -> str:
    return salted_hmac("tuishou.accounts.signup_code", f"{phone}:{code}", algorithm="sha256").hexdigest()


def _key(kind: str, phone: str) -> str:
    return f"signup_code:{kind}:{_digest(phone, kind)[:32]}"  # no phone number in the cache's keys


@dataclass(frozen=True)
class CodeSent:
    """What the asker is told, the same for every number: how long the code lives, when to ask again."""

    expires_in: int
    resend_after: int


def signup_code_send(*, phone: str, ip: str) -> CodeSent:
    """Send a sign-up code to ``phone`` (or, when it is registered, a message saying so); answer the same either way.

    Raises ``accounts.phone_invalid`` (400), ``accounts.signup_throttled`` (429: this IP address asked too often),
    ``accounts.phone_code_cooldown`` (429, ``details.retry_after``), ``accounts.phone_code_daily_limit`` (429).
    """
    phone = normalize_phone(phone)
    throttle_hit(scope="signup-code-ip", who=ip, limit=_conf("SIGNUP_PER_IP_HOUR"), seconds=HOUR,
                 code=AccountError.SIGNUP_THROTTLED)
    resend = _conf("SIGNUP_CODE_RESEND_SECONDS")
    now = int(time.time())
    if not cache.add(_key("wait", phone), now, timeout=resend):
        left = max(1, resend - (now - int(cache.get(_key("wait", phone), now))))
        raise TooManyRequests(AccountError.PHONE_CODE_COOLDOWN, seconds=left,
                              details={"field": "phone", "retry_after": left})
    throttle_hit(scope="signup-code-day", who=phone, limit=_conf("SIGNUP_CODE_DAILY_MAX"), seconds=DAY,
                 code=AccountError.PHONE_CODE_DAILY_LIMIT)
    minutes = _conf("SIGNUP_CODE_MINUTES")
    code = f"{secrets.randbelow(10**6):06d}"
    # A registered number gets a code too, one nobody is ever told: every later step behaves the same.
    cache.set(_key("code", phone), {"digest": _digest(phone, code), "attempts": 0, "expires": now + minutes * 60},
              timeout=minutes * 60)
    if User.objects.filter(phone=phone).exists():
        text = _("[Tuishou] This number already has an account: sign in instead (forgot the password? reset it "
                 "on the sign-in page). If you did not ask, ignore this message.")
    else:
        text = _("[Tuishou] Your sign-up code is %(code)s, valid for %(minutes)s minutes. Never tell it to "
                 "anyone.") % {"code": code, "minutes": minutes}
    sms_send(phone=phone, text=text)
    return CodeSent(expires_in=minutes * 60, resend_after=resend)


def signup_attempt_throttle(*, ip: str) -> None:
    """Count one sign-up attempt of ``ip``: ``accounts.signup_throttled`` (429) past ``SIGNUP_PER_IP_HOUR``."""
    throttle_hit(scope="signup-ip", who=ip, limit=_conf("SIGNUP_PER_IP_HOUR"), seconds=HOUR,
                 code=AccountError.SIGNUP_THROTTLED)


def signup_code_check(*, phone: str, code: str) -> str:
    """The normalized phone when ``code`` is its current sign-up code; a wrong one uses up a try.

    Raises ``accounts.phone_invalid`` or ``accounts.phone_code_invalid`` (400: wrong, expired, tried too often,
    never sent, or sent to a registered number: one answer for all).
    """
    phone = normalize_phone(phone)
    key = _key("code", phone)
    entry = cache.get(key)
    refused = InvalidInput(AccountError.PHONE_CODE_INVALID, details={"field": "code"})
    now = int(time.time())
    if entry is None or entry["expires"] <= now:
        raise refused
    if constant_time_compare(_digest(phone, (code or "").strip()), entry["digest"]):
        return phone
    attempts = entry["attempts"] + 1
    if attempts >= _conf("SIGNUP_CODE_ATTEMPTS"):
        cache.delete(key)
    else:
        cache.set(key, {**entry, "attempts": attempts}, timeout=entry["expires"] - now)
    raise refused


def signup_code_spend(*, phone: str) -> None:
    """The code did its work (the account exists): it cannot be used again."""
    cache.delete(_key("code", normalize_phone(phone)))
