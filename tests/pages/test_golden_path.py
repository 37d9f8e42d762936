"""The golden path of the platform in a real browser (Debian's Chromium, 390×844), end to end across roles:

a visitor opens a promoter's share link → signs up with the invite code prefilled from that link → buys from
the cart and pays in the sandbox → the merchant ships → the buyer confirms receipt → settlement runs with a
moved clock → the promoter signs in, sees the commission available in the promoter centre and withdraws →
finance approves → the promoter sees the withdrawal paid and a message about it.

Every step is screenshotted to ``tests/artifacts/golden/NN-name.png`` after the phone checks (Chinese page,
nothing wider than the screen). The books reconcile afterwards (the suite-wide fixture)."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.orders import factories as f
from tests.pages.test_buying import (
    PASSWORD,
    PHONE,
    Shots,
    _callbacks_land,
    _promoter_with_a_product,
    _sign_in,
    _to_the_cart_and_pay,
)
from tests.sms import fill_signup_code
from tuishou.network.models import Promoter
from tuishou.notifications.models import Message
from tuishou.orders.fulfilment import order_ship
from tuishou.orders.models import Order
from tuishou.settlement.models import Commission
from tuishou.settlement.settle import settlement_run
from tuishou.wallets import sandbox as payout_sandbox
from tuishou.wallets import services as wallets
from tuishou.wallets.models import Withdrawal

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "golden"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server, settings):
    settings.TUISHOU_PUBLIC_URL = live_server.url
    # A first commission is small: the platform's least withdrawal is lowered so it can be taken out whole.
    settings.TUISHOU = {**settings.TUISHOU, "WITHDRAWAL_MIN": "5.00"}
    return live_server.url


def _phone(browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    return context, context.new_page()


def test_share_sign_up_buy_ship_receive_settle_withdraw_and_get_paid(site, browser):
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    _version, seller, _honey, link = _promoter_with_a_product()
    buyer_context, phone = _phone(browser)
    shots = Shots(phone, ARTIFACTS)

    # A visitor opens the promoter's link, then signs up as a promoter: the inviter's code is already there.
    phone.goto(f"{site}/s/{link.code}")
    phone.wait_for_url(re.compile(rf"/p/{link.code}$"))
    shots.take("product-from-the-link")
    phone.goto(f"{site}/account/signup/?as=promoter")
    assert phone.input_value("#id_invite_code") == seller.invite_code
    shots.take("sign-up-with-the-invite-code")
    phone.fill("#id_phone", "13900001111")
    fill_signup_code(phone, "13900001111")
    phone.fill("#id_password", PASSWORD)
    phone.fill("#id_display_name", "小陈")
    with phone.expect_navigation():
        phone.get_by_role("button", name="注册并开始推广").tap()
    shots.take("signed-up")
    newcomer = Promoter.objects.get(user__phone="13900001111")
    assert (newcomer.sponsor_id, newcomer.community_id) == (seller.pk, seller.community_id)

    # They buy two jars through the link from the cart and pay in the sandbox; the callback lands.
    phone.goto(f"{site}/p/{link.code}")
    number = _to_the_cart_and_pay(phone, shots, quantity="2")
    _callbacks_land()  # the sandbox's signed callbacks (at once here; test_buying.py delays them)
    expect(phone.locator("#order-status")).to_contain_text("已付款", timeout=10_000)
    shots.take("paid")

    # The merchant ships; the buyer confirms receipt after its confirmation page.
    order = Order.objects.get(number=number)
    order_ship(actor=f.owner(order.merchant), order_id=order.pk, carrier="顺丰速运", tracking_number="SF5550001")
    phone.reload()
    assert "SF5550001" in phone.inner_text("main")
    phone.get_by_role("link", name="确认收货").tap()
    phone.get_by_role("button", name="确认，已收到").tap()
    phone.wait_for_url(re.compile(rf"/orders/{number}/$"))
    assert "已收货" in phone.inner_text("#order-status")
    shots.take("received")
    buyer_context.close()

    # Settlement runs after the plan's 15-day freeze (a moved clock): the seller's commission is available.
    order = Order.objects.get(pk=order.pk)
    # bought through the seller's link: credited to the seller (the link's share code), not a self-purchase
    assert (order.promoter_id, order.self_purchase) == (seller.pk, False)
    settlement_run(as_of=order.received_at + timedelta(days=16))
    # B = 2 × 59.90 × 20% = 23.96: the seller (a member) 30% direct = 7.18, the seller's sponsor 10% tiers = 2.39
    assert sorted(Commission.objects.filter(order=order).values_list("promoter_id", "rule", "amount", "status")) == [
        (seller.sponsor_id, "tiers", Decimal("2.39"), "available"), (seller.pk, "direct", Decimal("7.18"), "available")]

    # The seller signs in to the promoter centre and sees it available; asking for more than that is refused
    # beside the field, in Chinese, writing nothing; withdrawing all of it goes to review (fee 1.00, net 6.18).
    seller_context, phone = _phone(browser)
    shots.page = phone
    phone.goto(f"{site}/centre/")
    _sign_in(phone, shots, seller.user.phone)
    phone.wait_for_url(re.compile(r"/centre/$"))
    assert phone.inner_text("[data-testid=withdrawable]") == "¥7.18"
    shots.take("centre-commission-available")
    phone.goto(f"{site}/centre/wallet/")
    for amount in ("9.00", "7.18"):
        phone.fill("#id_amount", amount)
        phone.fill("#id_account", "13812348000")
        phone.fill("#id_name", "李小明")
        with phone.expect_navigation():
            phone.get_by_role("button", name="申请提现").tap()
        if amount == "9.00":
            assert "7.18" in phone.inner_text("#id_amount_error") and Withdrawal.objects.count() == 0
            shots.take("withdrawal-above-the-balance")
    assert "审核中" in phone.inner_text(".list")
    shots.take("withdrawal-requested")
    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.amount, withdrawal.fee, withdrawal.net) == (Decimal("7.18"), Decimal("1.00"), Decimal("6.18"))
    wallets.withdrawal_approve(actor=f.operator("finance"), withdrawal_id=withdrawal.pk)
    payout_sandbox.sandbox_payout_callbacks_deliver_due(now=timezone.now() + timedelta(hours=2))
    assert Withdrawal.objects.get(pk=withdrawal.pk).status == "paid"
    phone.reload()
    assert "已到账" in phone.inner_text(".list")
    shots.take("withdrawal-paid")

    # And the message centre told the seller of the commission, its settlement and the payout.
    kinds = set(Message.objects.filter(recipient=seller.user).values_list("kind", flat=True))
    assert {"commission_new", "commission_available", "withdrawal_paid", "team_joined"} <= kinds
    phone.goto(f"{site}/centre/messages/")
    assert "提现已到账" in phone.inner_text("main")
    shots.take("messages")
    seller_context.close()

