"""Sign-up codes (issue 12, item 8): the phone proven by a one-time SMS code (hashed, 10 minutes, 5 tries, 60 s
between sends, a daily cap per number), sign-up throttled per IP address, and no answer that tells which
numbers are registered."""

from __future__ import annotations

import pickle
import time
import uuid

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from tests.sms import code_in, last_sms, signup_code
from tuishou.accounts.models import SandboxSms, User
from tuishou.accounts.services import user_create
from tuishou.core.errors import DomainError

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-password"
NEW, TAKEN = "13812345678", "13900000000"


def _ask(client: Client, phone: str, **extra):
    return client.post("/api/v1/auth/signup/code", {"phone": phone}, content_type="application/json",
                       HTTP_ACCEPT_LANGUAGE="zh-hans", **extra)


def _signup(client: Client, phone: str, code: str, **extra):
    return client.post("/api/v1/auth/signup", {"phone": phone, "code": code, "password": PASSWORD},
                       content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans", **extra)


def _conf(settings, **values):
    settings.TUISHOU = {**settings.TUISHOU, **values}


def test_asking_for_a_code_answers_the_same_for_a_registered_number_whose_sms_says_sign_in():
    user_create(phone=TAKEN, password=PASSWORD)
    client = Client()

    new, taken = _ask(client, NEW), _ask(client, TAKEN)

    assert (new.status_code, new.json()) == (202, {"sent": True, "expires_in": 600, "resend_after": 60})
    assert (taken.status_code, taken.json()) == (new.status_code, new.json())
    assert code_in(last_sms(NEW)) != "" and "有效" in last_sms(NEW)
    assert code_in(last_sms(TAKEN)) == "" and "已有账号" in last_sms(TAKEN)
    refused = _signup(client, TAKEN, "123456")
    wrong = _signup(client, NEW, "000000" if code_in(last_sms(NEW)) != "000000" else "111111")
    assert (refused.status_code, refused.json()) == (wrong.status_code, wrong.json())
    assert refused.json() == {"code": "accounts.phone_code_invalid", "details": {"field": "code"},
                              "message": "验证码错误或已过期，或这个号码无法注册：请重新获取验证码。"}
    assert User.objects.count() == 1


def test_a_valid_code_signs_up_once():
    client = Client()
    code = signup_code(NEW, client)

    first = _signup(client, NEW, code)
    User.objects.filter(phone=NEW).delete()  # even were the number free again, the code is spent
    again = _signup(client, NEW, code)

    assert first.status_code == 201
    assert (again.status_code, again.json()["code"]) == (400, "accounts.phone_code_invalid")


def test_the_code_is_stored_only_as_a_digest():
    code = signup_code(NEW)

    stored = b"".join(value for value in cache._cache.values())  # LocMemCache keeps pickled values
    assert code.encode() not in stored and NEW.encode() not in stored
    assert all(NEW not in key for key in cache._cache)
    assert pickle.loads(next(v for k, v in cache._cache.items() if ":code:" in k)).keys() == {
        "digest", "attempts", "expires"}


def test_four_wrong_tries_leave_the_code_usable_and_the_fifth_spends_it(settings):
    client = Client()
    code = signup_code(NEW)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(4):
        assert _signup(client, NEW, wrong).status_code == 400
    assert _signup(client, NEW, code).status_code == 201

    other = "13812340000"
    code = signup_code(other)
    for _ in range(5):
        assert _signup(client, other, f"{(int(code) + 1) % 10**6:06d}").status_code == 400
    assert _signup(client, other, code).json()["code"] == "accounts.phone_code_invalid"
    assert not User.objects.filter(phone=other).exists()


def test_a_code_expires_after_ten_minutes(monkeypatch):
    code = signup_code(NEW)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 601)

    answer = _signup(Client(), NEW, code)

    assert (answer.status_code, answer.json()["code"]) == (400, "accounts.phone_code_invalid")


def test_a_new_code_waits_60_seconds_and_replaces_the_old_one(monkeypatch):
    client = Client()
    first = signup_code(NEW, client)
    too_soon = _ask(client, NEW)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 61)
    second = signup_code(NEW, client)

    assert too_soon.status_code == 429
    assert too_soon.json()["code"] == "accounts.phone_code_cooldown"
    assert 55 <= too_soon.json()["details"]["retry_after"] <= 60
    assert SandboxSms.objects.filter(phone=NEW).count() == 2
    if first != second:
        assert _signup(client, NEW, first).status_code == 400
    assert _signup(client, NEW, second).status_code == 201


def test_a_number_gets_at_most_ten_codes_a_day(settings):
    _conf(settings, SIGNUP_CODE_RESEND_SECONDS=0, SIGNUP_PER_IP_HOUR=100)
    client = Client()

    answers = [_ask(client, NEW).status_code for _ in range(11)]

    assert answers == [202] * 10 + [429]
    assert _ask(client, NEW).json()["code"] == "accounts.phone_code_daily_limit"
    assert SandboxSms.objects.filter(phone=NEW).count() == 10


def test_one_address_asks_for_codes_at_most_the_hourly_limit(settings):
    _conf(settings, SIGNUP_PER_IP_HOUR=3)
    client = Client()

    answers = [_ask(client, f"1381234000{i}", REMOTE_ADDR="10.1.1.1").status_code for i in range(4)]
    elsewhere = _ask(client, "13812340009", REMOTE_ADDR="10.1.1.2")

    assert answers == [202, 202, 202, 429]
    assert _ask(client, "13812340008", REMOTE_ADDR="10.1.1.1").json()["code"] == "accounts.signup_throttled"
    assert elsewhere.status_code == 202
    assert SandboxSms.objects.count() == 4


def test_sign_up_attempts_are_throttled_per_address_even_with_the_right_code(settings):
    _conf(settings, SIGNUP_PER_IP_HOUR=3)
    client = Client()
    code = signup_code(NEW)
    for _ in range(3):
        assert _signup(client, NEW, "999999" if code != "999999" else "888888").status_code == 400

    answer = _signup(client, NEW, code)

    assert (answer.status_code, answer.json()["code"]) == (429, "accounts.signup_throttled")
    assert not User.objects.filter(phone=NEW).exists()


def test_bad_numbers_are_refused_before_anything_is_sent():
    answer = _ask(Client(), "12345")

    assert (answer.status_code, answer.json()["code"]) == (400, "accounts.phone_invalid")
    assert SandboxSms.objects.count() == 0


def test_the_sign_up_page_sends_the_code_without_javascript_and_with_htmx():
    browser = Client()
    plain = browser.post("/account/signup/", {"phone": NEW, "send_code": "1", "display_name": "小王"})
    html = plain.content.decode()
    assert plain.status_code == 200
    assert "短信已发送到这个号码" in html and 'value="小王"' in html and "id_code_error" not in html

    browser = Client()
    fragment = browser.post("/account/signup/", {"phone": "13812340000", "send_code": "1"}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert fragment.content.decode().startswith('<span id="code-status"') and "<form" not in fragment.content.decode()
    refused = browser.post("/account/signup/", {"phone": "13812340000", "send_code": "1"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 429 and "秒后可再次获取" in refused.content.decode()


def test_the_sms_sandbox_page_lists_the_codes():
    code = signup_code(NEW)

    page = Client().get(f"/sandbox-sms/?phone={NEW}")

    assert page.status_code == 200 and code in page.content.decode()


def test_the_sms_provider_is_a_registry_and_an_unknown_one_is_refused(settings):
    settings.TUISHOU_SMS_PROVIDER = "nope"

    with pytest.raises(DomainError) as refused:
        signup_code(NEW)

    assert refused.value.code == "accounts.sms_provider_unknown"


def test_production_uses_redis_when_redis_url_is_set():
    from tuishou.settings import _caches

    assert _caches("redis://cache.internal:6379/2", testing=False) == {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://cache.internal:6379/2",
        "KEY_PREFIX": "tuishou"}}
    assert _caches("", testing=False)["default"]["BACKEND"] == "tuishou.core.cache.DatabaseCache"


def test_the_codes_and_throttles_work_on_redis(settings):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"test-abuse-{uuid.uuid4().hex[:8]}"
    config = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                          "KEY_PREFIX": prefix}}
    _conf(settings, SIGNUP_PER_IP_HOUR=2)
    try:
        with override_settings(CACHES=config):
            from django.core.cache import cache as redis_cache

            assert type(redis_cache._cache).__name__ == "RedisCacheClient"
            client = Client()
            code = signup_code(NEW, client)
            assert _ask(client, "13812340000").status_code == 202
            assert _ask(client, "13812340001").json()["code"] == "accounts.signup_throttled"
            assert _signup(client, NEW, code).status_code == 201
    finally:
        connection = redis.Redis.from_url(url)
        for key in connection.scan_iter(f"{prefix}:*"):
            connection.delete(key)
