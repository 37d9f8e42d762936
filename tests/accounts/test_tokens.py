from datetime import timedelta

import pytest
from django.utils import timezone

from tuishou.accounts.models import ApiToken, User
from tuishou.accounts.services import (
    api_token_authenticate,
    api_token_issue,
    api_token_revoke,
    user_create,
)
from tuishou.core.errors import Conflict, InvalidInput

pytestmark = pytest.mark.django_db


def test_token_is_stored_hashed_and_authenticates_until_revoked():
    user = user_create(phone="13912345678", password="a-long-password")
    issued = api_token_issue(user=user, label="iPhone")
    stored = ApiToken.objects.get()
    assert issued.token.startswith("ts_")
    assert stored.digest != issued.token and issued.token not in stored.digest
    assert api_token_authenticate(token=issued.token) == user
    assert api_token_revoke(token=issued.token) is True
    assert api_token_authenticate(token=issued.token) is None


def test_last_used_is_written_once_per_touch_window_not_on_every_request(django_assert_num_queries):
    user = user_create(phone="13912345678", password="a-long-password")
    issued = api_token_issue(user=user)
    with django_assert_num_queries(2):  # the token with its user, then the first touch
        api_token_authenticate(token=issued.token)
    first = ApiToken.objects.get().last_used_at
    with django_assert_num_queries(1):  # within 15 minutes: the read only, no write
        api_token_authenticate(token=issued.token)
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=first - timedelta(minutes=16))
    api_token_authenticate(token=issued.token)
    assert ApiToken.objects.get().last_used_at > first


def test_expired_token_does_not_authenticate():
    user = user_create(phone="13912345678", password="a-long-password")
    issued = api_token_issue(user=user)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api_token_authenticate(token=issued.token) is None


def test_the_user_comes_back_as_the_orm_reads_it_and_an_inactive_user_does_not_authenticate():
    user = user_create(phone="13912345678", password="a-long-password")
    issued = api_token_issue(user=user)
    found = api_token_authenticate(token=issued.token)
    stored = User.objects.get(pk=user.pk)
    fields = [field.attname for field in User._meta.concrete_fields]
    assert [getattr(found, name) for name in fields] == [getattr(stored, name) for name in fields]
    assert timezone.is_aware(found.date_joined) and found._state.adding is False
    assert not hasattr(found, "token_id") and not hasattr(found, "token_touch_due")
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert api_token_authenticate(token=issued.token) is None
    assert api_token_authenticate(token="ts_" + "x" * 40) is None and api_token_authenticate(token="") is None


def test_duplicate_phone_is_refused_and_writes_nothing():
    user_create(phone="13912345678", password="a-long-password")
    with pytest.raises(Conflict) as err:
        user_create(phone="139-1234-5678", password="another-password")
    assert err.value.code == "accounts.phone_taken"
    assert User.objects.count() == 1


def test_malformed_phone_is_refused():
    with pytest.raises(InvalidInput) as err:
        user_create(phone="12345", password="a-long-password")
    assert err.value.code == "accounts.phone_invalid"
    assert User.objects.count() == 0


def test_api_login_me_and_logout(client):
    user_create(phone="13912345678", password="a-long-password", display_name="小明")
    resp = client.post("/api/v1/auth/tokens", {"login": "13912345678", "password": "a-long-password"},
                       content_type="application/json")
    assert resp.status_code == 201
    token = resp.json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    me = client.get("/api/v1/auth/me", **auth).json()
    assert me["phone"] == "13912345678" and me["display_name"] == "小明" and me["operator_roles"] == []
    assert client.delete("/api/v1/auth/tokens/current", **auth).status_code == 204
    assert client.get("/api/v1/auth/me", **auth).json() == {
        "code": "auth.required", "message": "Sign in or send a valid API token."}


def test_wrong_password_gets_the_one_error_shape(client):
    user_create(phone="13912345678", password="a-long-password")
    resp = client.post("/api/v1/auth/tokens", {"login": "13912345678", "password": "nope"},
                       content_type="application/json")
    assert resp.status_code == 401
    assert resp.json() == {"code": "auth.invalid_login", "message": "Wrong phone/username or password."}


def test_operator_roles_open_the_back_office_pages_of_their_domain():
    from tuishou.accounts.services import operator_role_grant

    finance = user_create(phone="13912340001", password="a-long-password")
    operator_role_grant(actor=None, user=finance, role="finance")
    finance = User.objects.get(pk=finance.pk)  # fresh permission cache
    assert finance.is_staff
    assert finance.has_perm("network.view_promoter") and finance.has_perm("ledger.view_account")
    assert not finance.has_perm("network.change_promoter")
    ops = user_create(phone="13912340002", password="a-long-password")
    operator_role_grant(actor=None, user=ops, role="ops")
    ops = User.objects.get(pk=ops.pk)
    assert ops.has_perm("network.change_promoter") and ops.has_perm("catalog.change_product")
