"""Sign-up as a consumer (no invite code, bound to the promoter whose link brought the visitor) and with an invite
code under each promotion policy; through the service and the API, with exact error codes and nothing written
on a refusal."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.network import factories as nf
from tests.sms import signup_code
from tuishou.accounts.models import ApiToken, User
from tuishou.accounts.services import PHONE_RE
from tuishou.core.errors import Conflict, InvalidInput, NotFound
from tuishou.core.visitors import VISITOR_COOKIE
from tuishou.network.models import NetworkPolicy, Promoter, PromoterApplication
from tuishou.network.signup import account_signup, consumer_signup
from tuishou.stores.models import AttributionVisit, ConsumerBinding, ShareLink
from tuishou.stores.selectors import invite_code_for_visitor
from tuishou.stores.services import share_link_get_or_create

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-password"


def _opened_link(client: Client, promoter: Promoter) -> ShareLink:
    link = share_link_get_or_create(promoter=promoter, target=ShareLink.Target.STORE)
    assert client.get(f"/s/{link.code}").status_code == 302
    return link


def _api_signup(client: Client, **body):
    payload = {"phone": "13812345678", "password": PASSWORD, **body}
    if "code" not in payload:
        payload["code"] = signup_code(payload["phone"]) if PHONE_RE.match(payload["phone"]) else "000000"
    return client.post("/api/v1/auth/signup", payload, content_type="application/json")


def test_consumer_signup_needs_no_invite_code_and_binds_to_the_link_that_brought_them():
    # given a visitor who opened promoter A's store link
    a = nf.root(display_name="阿花")
    browser = Client()
    link = _opened_link(browser, a)
    key = browser.cookies[VISITOR_COOKIE].value

    # when they sign up with a phone and a password through the API
    response = _api_signup(browser, display_name="小王")

    # then they are a consumer, not a promoter, with a token, bound to A
    assert response.status_code == 201
    body = response.json()
    user = User.objects.get(phone="13812345678")
    assert body["user_id"] == user.pk and body["promoter"] is False and body["application"] is None
    assert body["token"].startswith("ts_") and ApiToken.objects.filter(user=user).count() == 1
    assert not Promoter.objects.filter(user=user).exists()
    assert list(ConsumerBinding.objects.values_list("consumer_id", "promoter_id", "source_link_id")) == [
        (user.pk, a.pk, link.pk)]
    assert key and AttributionVisit.objects.get().user_id == user.pk


def test_consumer_signup_service_without_a_cookie_binds_nobody():
    user = consumer_signup(phone="138 1234 5678", password=PASSWORD, display_name="小王")
    assert (user.phone, user.display_name, user.check_password(PASSWORD)) == ("13812345678", "小王", True)
    assert ConsumerBinding.objects.count() == 0


@pytest.mark.parametrize(("phone", "password", "status", "code"), [
    ("12345", PASSWORD, 400, "accounts.phone_invalid"),
    ("13812345678", "short", 400, "accounts.password_weak"),
    ("13900000000", PASSWORD, 400, "accounts.phone_code_invalid"),  # a registered number: told like a wrong code
])
def test_api_signup_refusals_have_exact_codes_and_write_nothing(phone, password, status, code):
    User.objects.create(username="taken", phone="13900000000")
    response = _api_signup(Client(), phone=phone, password=password)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert User.objects.count() == 1 and ApiToken.objects.count() == 0


def test_api_signup_without_a_password_is_a_validation_error():
    response = Client().post("/api/v1/auth/signup", {"phone": "13812345678"}, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (422, "request.invalid")
    assert User.objects.count() == 0


def test_signup_with_an_invite_code_makes_a_promoter_under_the_inviter_when_everyone_may_promote():
    inviter = nf.root(display_name="阿花")
    response = _api_signup(Client(), invite_code=inviter.invite_code.lower())
    assert response.status_code == 201 and response.json()["promoter"] is True
    promoter = Promoter.objects.get(user__phone="13812345678")
    assert (promoter.sponsor_id, promoter.joined_via) == (inviter.pk, Promoter.JoinedVia.INVITE)


def test_signup_with_an_unknown_invite_code_writes_no_user():
    nf.root()
    with pytest.raises(NotFound) as err:
        account_signup(phone="13812345678", password=PASSWORD, invite_code="ZZZZZZ")
    assert err.value.code == "network.invite_code_unknown" and err.value.details == {"field": "invite_code"}
    assert not User.objects.filter(phone="13812345678").exists()


def test_signup_with_a_code_under_the_application_policy_files_an_application_with_the_code():
    inviter = nf.root()
    nf.policy(promotion_mode=NetworkPolicy.Promotion.APPLICATION)
    done = account_signup(phone="13812345678", password=PASSWORD, invite_code=inviter.invite_code)
    assert done.promoter is None
    assert (done.application.status, done.application.invite_code) == ("pending", inviter.invite_code)
    assert not Promoter.objects.filter(user=done.user).exists()


def test_signup_with_a_code_under_the_qualifying_policy_keeps_the_code_awaiting_a_purchase():
    inviter = nf.root()
    nf.policy(promotion_mode=NetworkPolicy.Promotion.QUALIFYING_PURCHASE, promotion_min_purchase=199)
    response = _api_signup(Client(), invite_code=inviter.invite_code)
    assert response.status_code == 201
    assert (response.json()["promoter"], response.json()["application"]) == (False, "awaiting_purchase")
    assert PromoterApplication.objects.get().invite_code == inviter.invite_code


def test_network_promoter_signup_refuses_while_promoters_join_by_application():
    inviter = nf.root()
    nf.policy(promotion_mode=NetworkPolicy.Promotion.APPLICATION)
    response = Client().post("/api/v1/network/signup", {"phone": "13812345678", "password": PASSWORD,
                                                        "code": signup_code("13812345678"),
                                                        "invite_code": inviter.invite_code},
                             content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (409, "network.promotion_by_policy")
    assert not User.objects.filter(phone="13812345678").exists()


def test_the_visitors_last_link_prefills_the_invite_code():
    a, b = nf.root(), nf.root()
    browser = Client()
    _opened_link(browser, a)
    _opened_link(browser, b)
    key = AttributionVisit.objects.values_list("visitor_key", flat=True).distinct().get()
    assert invite_code_for_visitor(visitor_key=key) == b.invite_code
    assert invite_code_for_visitor(visitor_key=None) == ""
    assert invite_code_for_visitor(visitor_key="nobody") == ""


def test_a_weak_password_is_refused_beside_the_password_field():
    with pytest.raises(InvalidInput) as err:
        consumer_signup(phone="13812345678", password="12345678")
    assert (err.value.code, err.value.details) == ("accounts.password_weak", {"field": "password"})


def test_a_second_signup_with_the_same_phone_conflicts():
    consumer_signup(phone="13812345678", password=PASSWORD)
    with pytest.raises(Conflict) as err:
        consumer_signup(phone="13812345678", password=PASSWORD)
    assert err.value.code == "accounts.phone_taken" and User.objects.count() == 1
