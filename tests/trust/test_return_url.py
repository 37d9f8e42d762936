"""The sandbox pay page is no open redirect (issue 12, item 4): a payment's return_url is an http(s) address of
this shop (TUISHOU_PUBLIC_URL's host or TUISHOU_RETURN_URL_HOSTS), checked when the payment starts; a refused one
writes nothing."""

from decimal import Decimal

import pytest

from tests.orders import factories as f
from tuishou.accounts.services import api_token_issue
from tuishou.payments.models import Payment
from tuishou.payments.return_urls import return_url_allowed
from tuishou.payments.sandbox_models import SandboxCharge

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("url", "allowed"), [
    ("http://127.0.0.1:8000/orders/paid/1/", True),  # TUISHOU_PUBLIC_URL's host
    ("https://localhost/orders/", True),  # a configured host (ALLOWED_HOSTS by default)
    ("https://evil.example/phish", False),
    ("javascript:alert(document.cookie)", False),
    ("JavaScript:alert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False),
    ("//evil.example/", False),
    ("http://127.0.0.1@evil.example/", False),
    ("http://user:pw@127.0.0.1/", False),
    ("http://127.0.0.1:notaport/", False),
    ("http:\\\\evil.example", False),
    ("http://127.0.0.1/\nSet-Cookie: x", False),
    ("http://127.0.0.1/" + "a" * 500, False),
])
def test_only_http_addresses_of_this_shop_are_allowed(url, allowed):
    assert return_url_allowed(url) is allowed


def test_a_configured_host_is_allowed(settings):
    settings.TUISHOU_RETURN_URL_HOSTS = [".shop.example"]
    assert return_url_allowed("https://m.shop.example/paid") and not return_url_allowed("https://shop.example.cn/")


@pytest.mark.parametrize("url", ["https://evil.example/phish", "javascript:alert(1)", "http://127.0.0.1/" + "a" * 5000])
def test_the_checkout_pay_api_refuses_another_sites_return_url_and_writes_nothing(client, url):
    checkout = f.checkout(f.buyer(), [(f.sku(), 1)])
    token = api_token_issue(user=checkout.buyer).token
    answer = client.post(f"/api/v1/orders/checkouts/{checkout.pk}/pay", {"return_url": url},
                         content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert (answer.status_code, answer.json()["code"]) == (400, "payments.return_url_invalid")
    assert answer.json()["details"] == {"field": "return_url"}
    assert (Payment.objects.count(), SandboxCharge.objects.count()) == (0, 0)


def test_the_pay_page_never_redirects_to_or_links_a_charge_from_before_with_a_foreign_return_url(client):
    SandboxCharge.objects.create(txn_id="sbx_old", reference="1", amount=Decimal("10.00"), currency="CNY",
                                 description="old", return_url="javascript:alert(1)")
    assert "javascript:" not in client.get("/sandbox-pay/sbx_old").content.decode()
    paid = client.post("/sandbox-pay/sbx_old", {"action": "pay"})
    assert paid.status_code == 200 and "javascript:" not in paid.content.decode()
