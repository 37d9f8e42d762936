"""The accounts pages through Django's test client: sign-up (consumer and promoter), sign-in with errors in the
page's language and ``next``, landing per role, the role switcher, /me/, becoming a promoter, sign-out."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.network import factories as nf
from tests.sms import signup_code
from tuishou.accounts.models import User
from tuishou.accounts.services import user_create
from tuishou.network.models import NetworkPolicy, Promoter, PromoterApplication
from tuishou.stores.models import ConsumerBinding, ShareLink
from tuishou.stores.services import share_link_get_or_create

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-password"


def _en(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_consumer_signs_up_on_the_page_after_a_share_link_and_is_bound_and_signed_in():
    promoter = nf.root(display_name="阿花")
    browser = Client()
    link = share_link_get_or_create(promoter=promoter, target=ShareLink.Target.STORE)
    browser.get(f"/s/{link.code}")
    page = browser.get("/account/signup/").content.decode()
    assert 'name="invite_code"' not in page and "无需邀请码" in page

    response = browser.post("/account/signup/", {"phone": "13812345678", "password": PASSWORD,
                                                 "code": signup_code("13812345678"), "display_name": "小王"})
    user = User.objects.get(phone="13812345678")
    assert (response.status_code, response["Location"]) == (302, "/account/home/")
    assert ConsumerBinding.objects.get().promoter_id == promoter.pk and ConsumerBinding.objects.get().consumer == user
    assert browser.get("/account/home/")["Location"] == "/"
    assert "小王" in browser.get("/me/").content.decode()


def test_signup_errors_are_beside_the_field_in_chinese_and_keep_what_was_typed():
    user_create(phone="13812345678", password=PASSWORD)
    page = Client().post("/account/signup/", {"phone": "13812345678", "password": PASSWORD, "code": "123456",
                                              "display_name": "小王"}).content.decode()
    assert 'id="id_code_error"' in page and "小王" in page and 'value="13812345678"' in page
    assert "验证码错误或已过期" in page
    assert User.objects.count() == 1


def test_promoter_signup_prefills_the_invite_code_from_the_query_and_from_the_visitors_link():
    inviter, other = nf.root(), nf.root()
    prefilled = Client().get(f"/account/signup/?invite={inviter.invite_code}").content.decode()
    assert f'value="{inviter.invite_code}"' in prefilled and "邀请人：" in prefilled
    browser = Client()
    browser.get(f"/s/{share_link_get_or_create(promoter=other, target=ShareLink.Target.STORE).code}")
    assert f'value="{other.invite_code}"' in browser.get("/account/signup/?as=promoter").content.decode()

    response = browser.post("/account/signup/?as=promoter", {"phone": "13812345678", "password": PASSWORD,
                                                             "code": signup_code("13812345678"),
                                                             "invite_code": other.invite_code})
    assert response["Location"] == "/centre/"
    assert Promoter.objects.get(user__phone="13812345678").sponsor_id == other.pk


def test_promoter_signup_with_a_wrong_code_shows_the_error_and_writes_nothing():
    nf.root()
    page = _en(Client()).post("/account/signup/?as=promoter", {"phone": "13812345678", "password": PASSWORD,
                                                               "code": signup_code("13812345678"),
                                                               "invite_code": "ZZZZZZ"}).content.decode()
    assert 'id="id_invite_code_error"' in page and not User.objects.filter(phone="13812345678").exists()


def test_sign_in_by_phone_or_username_errors_in_the_pages_language_and_follows_next():
    user_create(phone="13812345678", username="xiaowang", password=PASSWORD)
    zh = Client().post("/account/login/", {"username": "13812345678", "password": "wrong-password"})
    assert "手机号、用户名或密码不正确" in zh.content.decode()
    en = _en(Client()).post("/account/login/", {"username": "13812345678", "password": "wrong-password"})
    assert "Wrong phone number, username or password." in en.content.decode()

    ok = Client().post("/account/login/", {"username": "xiaowang", "password": PASSWORD, "next": "/orders/"})
    assert ok["Location"] == "/orders/"
    away = Client().post("/account/login/", {"username": "xiaowang", "password": PASSWORD,
                                             "next": "https://evil.example/"})
    assert away["Location"] == "/account/home/"


def test_a_promoter_lands_on_the_centre_and_switches_to_the_customer_role():
    promoter = nf.root(display_name="阿花")
    promoter.user.set_password(PASSWORD)
    promoter.user.save()
    client = Client()
    client.post("/account/login/", {"username": promoter.user.phone, "password": PASSWORD})
    assert client.get("/account/home/")["Location"] == "/centre/"
    me = client.get("/me/").content.decode()
    assert 'name="role" value="consumer"' in me and f"{promoter.user.phone[:3]}****{promoter.user.phone[-4:]}" in me
    assert promoter.user.phone not in me
    switched = client.post("/me/role/", {"role": "consumer"})
    assert switched["Location"] == "/"
    assert client.get("/account/home/")["Location"] == "/"
    assert client.post("/me/role/", {"role": "operator"})["Location"] == "/"  # a role not held is ignored


def test_me_links_operators_to_the_back_office_and_sign_out_is_a_post():
    ops = nf.operator("ops")
    client = Client()
    client.force_login(ops)
    page = client.get("/me/").content.decode()
    assert 'href="/admin/"' in page
    assert client.get("/account/logout/").status_code == 405
    assert client.post("/account/logout/")["Location"] == "/"
    assert client.get("/me/")["Location"].startswith("/account/login/?next=/me/")


def test_becoming_a_promoter_by_application_on_the_page():
    nf.mentor()
    nf.policy(promotion_mode=NetworkPolicy.Promotion.APPLICATION)
    person = user_create(phone="13812345678", password=PASSWORD)
    client = Client()
    client.force_login(person)
    assert "申请" in client.get("/me/promoter/").content.decode()
    response = client.post("/me/promoter/", {"invite_code": "", "reason": "想分享"})
    assert response["Location"] == "/me/promoter/"
    assert PromoterApplication.objects.get().reason == "想分享"
    assert "等待平台审核" in client.get("/me/promoter/").content.decode()


def test_becoming_a_promoter_when_everyone_may():
    mentor = nf.mentor()
    person = user_create(phone="13812345678", password=PASSWORD)
    client = Client()
    client.force_login(person)
    assert client.post("/me/promoter/", {"invite_code": ""})["Location"] == "/centre/"
    assert Promoter.objects.get(user=person).sponsor_id == mentor.promoter_id
    assert client.get("/me/promoter/")["Location"] == "/centre/"


def test_chinese_by_default_english_by_the_footer_switch_remembered_in_a_cookie():
    client = Client()
    home = client.get("/").content.decode()
    assert '<html lang="zh-CN">' in home and "全部商品" in home and 'name="language" value="en"' in home
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/me/"})
    assert switched["Location"] == "/me/" and client.cookies["django_language"].value == "en"
    english = client.get("/").content.decode()
    assert '<html lang="en">' in english and "All goods" in english and "Sign in" in english
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "全部商品" in client.get("/").content.decode()
