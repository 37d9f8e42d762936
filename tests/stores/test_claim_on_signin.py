"""Share-link visits made before signing in are claimed when the visitor signs up (API), gets a token (API) or
signs in on the sign-in page (``/account/login/``; the old ``/orders/login/`` leads there); without the visitor
cookie nothing is claimed."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.sms import signup_code
from tests.stores import factories as f
from tuishou.accounts.events import on_session_opened
from tuishou.accounts.models import User
from tuishou.accounts.services import session_open, user_create
from tuishou.network.models import Promoter
from tuishou.network.services import promoter_signup
from tuishou.stores.models import AttributionVisit, ConsumerBinding, ShareLink
from tuishou.stores.services import share_link_get_or_create

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-password"


def _opened_link(client: Client, promoter: Promoter) -> ShareLink:
    """``client`` (a browser) opens the promoter's store link anonymously; the visitor cookie is set."""
    link = share_link_get_or_create(promoter=promoter, target=ShareLink.Target.STORE)
    assert client.get(f"/s/{link.code}").status_code == 302
    return link


def _bindings():
    return list(ConsumerBinding.objects.values_list("consumer_id", "promoter_id", "source_link_id"))


def _unclaimed():
    return list(AttributionVisit.objects.filter(user=None, claimed_at=None).values_list("link_id", flat=True))


def _signup(client: Client, invite_code: str):
    return client.post("/api/v1/network/signup", {"phone": "13812345678", "password": PASSWORD,
                                                  "code": signup_code("13812345678"),
                                                  "invite_code": invite_code}, content_type="application/json")


def test_signing_up_claims_the_visits_made_in_this_browser():
    # given a visitor who opened A's link, and an inviter B (another promoter)
    a, b = f.root("阿花"), f.root("阿明")
    browser = Client()
    link = _opened_link(browser, a)

    # when they sign up with B's invite code in the same browser
    response = _signup(browser, b.invite_code)

    # then the visit is theirs and binds them to A (the link's promoter)
    assert response.status_code == 201
    newcomer = User.objects.get(phone="13812345678")
    assert _bindings() == [(newcomer.pk, a.pk, link.pk)]
    assert list(AttributionVisit.objects.values_list("user_id", flat=True)) == [newcomer.pk]
    assert AttributionVisit.objects.get().claimed_at is not None


def test_signing_up_without_the_visitor_cookie_claims_nothing():
    # given a visit through A's link in another browser
    a, b = f.root("阿花"), f.root("阿明")
    link = _opened_link(Client(), a)

    # when somebody signs up in a fresh browser
    response = _signup(Client(), b.invite_code)

    # then nothing is bound and the visit waits for its own visitor
    assert response.status_code == 201
    assert _bindings() == []
    assert _unclaimed() == [link.pk]


def test_a_token_login_claims_the_visits_made_in_this_browser():
    # given an account, and a visit through A's link in a browser before signing in
    a = f.root("阿花")
    buyer = user_create(phone="13812345678", password=PASSWORD, display_name="小王")
    browser = Client()
    link = _opened_link(browser, a)

    # when the app exchanges the password for a token in that browser
    response = browser.post("/api/v1/auth/tokens", {"login": "13812345678", "password": PASSWORD},
                            content_type="application/json")

    # then the visit binds the buyer to A
    assert response.status_code == 201
    assert _bindings() == [(buyer.pk, a.pk, link.pk)]
    assert _unclaimed() == []


def test_a_token_login_without_the_cookie_or_with_a_wrong_password_claims_nothing():
    # given an account and a visit through A's link made in this browser
    a = f.root("阿花")
    user_create(phone="13812345678", password=PASSWORD)
    browser = Client()
    link = _opened_link(browser, a)

    # when a fresh client signs in, and this browser tries a wrong password
    fresh = Client().post("/api/v1/auth/tokens", {"login": "13812345678", "password": PASSWORD},
                          content_type="application/json")
    wrong = browser.post("/api/v1/auth/tokens", {"login": "13812345678", "password": "not-the-password"},
                         content_type="application/json")

    # then nobody is bound
    assert (fresh.status_code, wrong.status_code) == (201, 401)
    assert _bindings() == []
    assert _unclaimed() == [link.pk]


def test_signing_in_on_the_sign_in_page_claims_the_visits():
    # given a visit through A's link before signing in
    a = f.root("阿花")
    buyer = user_create(phone="13812345678", password=PASSWORD)
    browser = Client()
    link = _opened_link(browser, a)

    # when the buyer signs in on the page
    response = browser.post("/account/login/", {"username": "13812345678", "password": PASSWORD,
                                                "next": "/orders/"})

    # then they are signed in and bound to A
    assert (response.status_code, response["Location"]) == (302, "/orders/")
    assert _bindings() == [(buyer.pk, a.pk, link.pk)]
    assert _unclaimed() == []


def test_the_sign_in_page_claims_nothing_without_the_cookie_or_on_a_failed_sign_in():
    # given a visit through A's link in one browser
    a = f.root("阿花")
    user_create(phone="13812345678", password=PASSWORD)
    browser = Client()
    link = _opened_link(browser, a)

    # when that browser fails to sign in, and another browser signs in
    failed = browser.post("/account/login/", {"username": "13812345678", "password": "wrong-password"})
    other = Client().post("/account/login/", {"username": "13812345678", "password": PASSWORD})

    # then nothing was claimed
    assert (failed.status_code, other.status_code) == (200, 302)
    assert failed.context["form"].non_field_errors()  # the sign-in page says the password was wrong
    assert _bindings() == []
    assert _unclaimed() == [link.pk]


def test_the_old_orders_login_address_leads_to_the_sign_in_page_with_next():
    # when a browser opens the old address with a next page, and an old form posts to it
    opened = Client().get("/orders/login/?next=/orders/A1/")
    posted = Client().post("/orders/login/?next=/cart/", {"username": "13812345678", "password": PASSWORD})

    # then both are sent on to /account/login/ with the query kept, the POST as a POST
    assert (opened.status_code, opened["Location"]) == (302, "/account/login/?next=/orders/A1/")
    assert (posted.status_code, posted["Location"]) == (307, "/account/login/?next=/cart/")


def test_an_old_sign_in_form_posted_to_the_old_address_signs_in_and_claims_the_visits():
    # given a visit through A's link before signing in
    a = f.root("阿花")
    buyer = user_create(phone="13812345678", password=PASSWORD)
    browser = Client()
    link = _opened_link(browser, a)

    # when the old form posts to /orders/login/ and the browser repeats the POST where it is sent (307)
    moved = browser.post("/orders/login/", {"username": "13812345678", "password": PASSWORD, "next": "/orders/"})
    response = browser.post(moved["Location"], {"username": "13812345678", "password": PASSWORD,
                                                "next": "/orders/"})

    # then the buyer is signed in and bound to A
    assert (response.status_code, response["Location"]) == (302, "/orders/")
    assert _bindings() == [(buyer.pk, a.pk, link.pk)]


def test_signing_up_through_the_inviters_own_link_does_not_bind_the_newcomer_to_the_inviter():
    # given a registration plan and a visitor who opened their future sponsor's link
    f.plan(mode="registration", valid_days=60)
    sponsor = f.root("阿花")
    browser = Client()
    _opened_link(browser, sponsor)

    # when they sign up with that sponsor's invite code
    assert _signup(browser, sponsor.invite_code).status_code == 201

    # then no binding makes the newcomer's own purchases (自购) sales credited to the sponsor
    assert _bindings() == []


def test_a_sign_up_and_its_claims_are_one_transaction():
    # given a visitor who opened A's link, and a sign-in handler that fails after the claim has been made
    a, b = f.root("阿花"), f.root("阿明")
    browser = Client()
    link = _opened_link(browser, a)

    def refuse(event):
        assert AttributionVisit.objects.filter(user=event.user).count() == 1  # the stores' claim ran first
        raise RuntimeError("refused")

    unregister = on_session_opened(refuse)
    try:
        # when they sign up
        with pytest.raises(RuntimeError):
            promoter_signup(phone="13812345678", password=PASSWORD, invite_code=b.invite_code,
                            visitor_key=AttributionVisit.objects.get().visitor_key)
    finally:
        unregister()

    # then neither the account nor the claim was written
    assert not User.objects.filter(phone="13812345678").exists()
    assert (_bindings(), _unclaimed()) == ([], [link.pk])


def test_session_open_is_the_one_service_a_new_sign_in_page_calls():
    # given a visit through A's link under a known visitor key
    a = f.root("阿花")
    buyer = user_create(phone="13812345678", password=PASSWORD)
    link = _opened_link(Client(), a)
    key = AttributionVisit.objects.get().visitor_key

    # when a page opens the buyer's session with that key
    session_open(user=buyer, visitor_key=key)

    # then the visit is the buyer's and binds them to A; a second sign-in claims nothing more
    assert _bindings() == [(buyer.pk, a.pk, link.pk)]
    session_open(user=buyer, visitor_key=key)
    assert AttributionVisit.objects.filter(user=buyer).count() == 1
