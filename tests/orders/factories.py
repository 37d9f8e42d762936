"""Test data for orders: shops and SKUs, buyers with an address, promoters with a plan, checkouts and payments
made through the real services (the sandbox gateway pays)."""

from __future__ import annotations

import itertools
import json
import uuid
from decimal import Decimal

from django.utils import timezone

from tests.catalog import factories as catalog_factories
from tests.merchants import factories as merchant_factories
from tuishou.accounts.models import User
from tuishou.accounts.services import operator_role_grant, user_create
from tuishou.catalog.models import Product, Sku
from tuishou.incentives.services import plan_draft_import, plan_publish
from tuishou.merchants.models import Merchant
from tuishou.network import services as network_services
from tuishou.network.models import Promoter
from tuishou.orders import paying, services
from tuishou.orders.checkout import checkout_submit
from tuishou.orders.models import Address, Checkout, Order
from tuishou.payments import sandbox
from tuishou.payments.gateway import PAYMENT_SUCCEEDED
from tuishou.payments.models import Payment
from tuishou.payments.services import payment_callback_handle

_phones = itertools.count(13600000000)

PLAN = """
id: shop
name: 店主分销方案
jurisdiction: us
ranks:
  - {id: member, name: 会员}
  - {id: shopkeeper, name: 店主, qualify: {personal_volume: {min: "100.00", days: 30}}}
settlement: {freeze_days: 15, after: received}
binding: {mode: last_click, valid_days: 30}
disclosure: true
rules:
  - {type: direct, rate: {member: "0.30", shopkeeper: "0.50"}}
  - {type: tiers, rates: ["0.10"]}
"""


def user(display_name: str = "") -> User:
    return user_create(phone=str(next(_phones)), password=None, display_name=display_name)


def operator(role: str) -> User:
    staff = user(f"operator {role}")
    operator_role_grant(actor=None, user=staff, role=role)
    return staff


def shop(*, fee_rate: str = "0.0500", name: str = "山野优品") -> Merchant:
    return merchant_factories.merchant(owner=user("商家"), fee_rate=fee_rate, name=name)


def owner(merchant: Merchant) -> User:
    return merchant_factories.owner_of(merchant)


def sku(*, merchant: Merchant | None = None, price: str = "59.90", stock: int = 10, rate: str | None = "0.2000",
        fixed: str | None = None, title: str = "云南高山蜂蜜", spec_name: str = "500g×2袋",
        status: str = Product.Status.ON_SHELF) -> Sku:
    product = catalog_factories.product(merchant=merchant or shop(), status=status, title=title)
    return catalog_factories.sku(product=product, price=price, stock=stock, commission_rate=None if fixed else rate,
                                 commission_amount=fixed, spec_name=spec_name)


def buyer(display_name: str = "小王") -> User:
    return user(display_name)


def address(person: User, *, detail: str = "文三路 100 号 2 幢 301") -> Address:
    return services.address_create(user=person, name="王小明", phone="13812345678", province="浙江省",
                                   city="杭州市", district="西湖区", detail=detail)


def root(display_name: str = "阿花") -> Promoter:
    return network_services.community_root_create(community=network_services.community_official_get(),
                                                  user=user(display_name))


def invitee(sponsor: Promoter, display_name: str = "") -> Promoter:
    return network_services.promoter_register(user=user(display_name), invite_code=sponsor.invite_code)


def plan(source: str = PLAN):
    """Publish ``source`` in the official community (in force from now)."""
    ops = operator("ops")
    draft = plan_draft_import(actor=ops, community=network_services.community_official_get(), source=source)
    return plan_publish(actor=ops, draft=draft)


def share_link(promoter: Promoter, product_id: int):
    from tuishou.stores.services import share_link_get_or_create

    return share_link_get_or_create(promoter=promoter, target="product", product_id=product_id)


def checkout(person: User, lines, *, share_code: str | None = None, key: str | None = None) -> Checkout:
    """A submitted checkout; ``lines`` as ``[(sku, quantity)]``."""
    home = Address.objects.filter(user=person).first() or address(person)
    return checkout_submit(buyer=person, lines=[(s.pk, q) for s, q in lines], address_id=home.pk,
                           share_code=share_code, idempotency_key=key or uuid.uuid4().hex)


def pay(after_commit, checkout: Checkout) -> Payment:
    """Start the payment and have the payer confirm in the sandbox; the callback is processed."""
    payment = paying.checkout_pay(buyer=checkout.buyer, checkout_id=checkout.pk)
    with after_commit():
        sandbox.sandbox_charge_pay(txn_id=payment.gateway_txn_id)
    payment.refresh_from_db()
    return payment


def succeeded_callback(payment: Payment) -> None:
    """The gateway's ``payment.succeeded`` for ``payment``, signed as the sandbox signs it, through the webhook's
    handler (without paying in the sandbox, so the gateway's statement lacks the charge); it must be processed."""
    body = json.dumps({"event_id": f"evt_{uuid.uuid4().hex[:24]}", "type": PAYMENT_SUCCEEDED,
                       "txn_id": payment.gateway_txn_id, "amount": str(payment.amount), "currency": payment.currency,
                       "occurred_at": timezone.now().isoformat()}, separators=(",", ":")).encode()
    result = payment_callback_handle(gateway=sandbox.SandboxGateway.name, headers=sandbox.callback_headers(body),
                                     body=body)
    assert (result.outcome, result.reason) == ("processed", "")


def paid_order(after_commit, *, person: User | None = None, item: Sku | None = None, quantity: int = 2,
               share_code: str | None = None) -> Order:
    person = person or buyer()
    item = item or sku()
    result = checkout(person, [(item, quantity)], share_code=share_code)
    pay(after_commit, result)
    return Order.objects.get(checkout=result)


def refreshed(obj):
    obj.refresh_from_db()
    return obj


def money(text: str) -> Decimal:
    return Decimal(text)
