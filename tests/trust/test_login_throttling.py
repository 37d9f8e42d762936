"""Sign-in throttling and lockout (issue 12, item 7): after the failure limit, per address and per account, the API
token route, the sign-in page and the admin refuse every sign-in (429) for the cool-off, even with the right
password; until then a wrong password is answered as before, and a success clears the account's failures."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from tuishou.accounts.models import ApiToken
from tuishou.accounts.services import user_create

pytestmark = pytest.mark.django_db

PHONE, PASSWORD = "13912345678", "a-long-password"


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def _api_login(client, password, *, login=PHONE, ip="203.0.113.7", **headers):
    return client.post("/api/v1/auth/tokens", {"login": login, "password": password},
                       content_type="application/json", REMOTE_ADDR=ip, **headers)


def test_the_api_refuses_even_the_right_password_after_the_limit_in_its_error_shape(client):
    user_create(phone=PHONE, password=PASSWORD)
    assert [_api_login(client, "wrong").status_code for _ in range(2)] == [401, 401]
    third = _api_login(client, "wrong")
    assert (third.status_code, third.json()) == (429, {
        "code": "auth.locked_out", "message": "Too many failed sign-ins: try again in 15 minutes."})
    right = _api_login(client, PASSWORD, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert (right.status_code, right.json()["code"]) == (429, "auth.locked_out")
    assert "15" in right.json()["message"] and "分钟" in right.json()["message"]
    assert ApiToken.objects.count() == 0


def test_the_account_is_locked_whatever_address_the_guesses_come_from(client):
    user_create(phone=PHONE, password=PASSWORD)
    for n in range(3):
        _api_login(client, "wrong", ip=f"198.51.100.{n}")
    assert _api_login(client, PASSWORD, ip="192.0.2.99").status_code == 429


def test_one_address_guessing_many_accounts_is_locked_out(client):
    user_create(phone=PHONE, password=PASSWORD)
    for n in range(3):
        _api_login(client, "wrong", login=f"1391234560{n}")
    assert _api_login(client, PASSWORD).status_code == 429
    assert _api_login(client, PASSWORD, ip="192.0.2.99").status_code == 201  # another address is not


def test_the_lockout_ends_after_the_cool_off_and_a_success_clears_the_failures(client):
    user_create(phone=PHONE, password=PASSWORD)
    for _ in range(3):
        _api_login(client, "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _api_login(client, PASSWORD).status_code == 201
    assert [_api_login(client, "wrong").status_code for _ in range(3)] == [401, 401, 429]  # counted afresh


def test_the_sign_in_page_tells_the_lockout_beside_the_form_in_chinese(client):
    user_create(phone=PHONE, password=PASSWORD)
    for _ in range(2):
        resp = client.post("/account/login/", {"username": PHONE, "password": "wrong"}, REMOTE_ADDR="203.0.113.7")
        assert resp.status_code == 200
    resp = client.post("/account/login/", {"username": PHONE, "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")
    assert resp.status_code == 302 and resp.wsgi_request.user.is_authenticated  # under the limit: signed in
    client.logout()
    for _ in range(3):
        resp = client.post("/account/login/", {"username": PHONE, "password": "wrong"}, REMOTE_ADDR="203.0.113.7")
    resp = client.post("/account/login/", {"username": PHONE, "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")
    page = resp.content.decode()
    assert resp.status_code == 429 and not resp.wsgi_request.user.is_authenticated
    assert "登录失败次数过多" in page and "15" in page and f'value="{PHONE}"' in page


def test_the_admin_sign_in_is_locked_too(client):
    user_create(phone=PHONE, password=PASSWORD)
    for _ in range(3):
        client.post("/admin/login/", {"username": PHONE, "password": "wrong"}, REMOTE_ADDR="203.0.113.7")
    resp = client.post("/admin/login/", {"username": PHONE, "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")
    assert resp.status_code == 429 and "登录失败次数过多" in resp.content.decode()
