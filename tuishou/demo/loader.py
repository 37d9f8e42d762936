"""`tuishou demo`: a realistic data set, loaded through the same services the platform uses.

What it makes: operator staff, four vetted merchants with products, SKUs and locally drawn pictures
(some in the hot zone 爆品区, some with the inspected badge 验货区), the official community with
mentors and two agencies, a few hundred promoters in preferential-attachment trees (a share of the
official community's sign-ups placed under mentors), a plan in force for every community, and consumers.
Seeded: the same seed gives the same data set.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tuishou.accounts.models import User
from tuishou.accounts.services import operator_role_grant, user_create
from tuishou.catalog import services as catalog
from tuishou.catalog.images import placeholder_image
from tuishou.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from tuishou.demo.catalog_data import MERCHANTS, DemoMerchant
from tuishou.incentives.engine.templates import template_text
from tuishou.incentives.services import plan_draft_import, plan_publish
from tuishou.merchants.credit_code import ALPHABET, check_character
from tuishou.merchants.services import merchant_application_approve, merchant_application_submit
from tuishou.network import services as network
from tuishou.network.models import Community, NetworkPolicy, Promoter

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = ["子涵", "欣怡", "梓萱", "诗涵", "一诺", "雨桐", "浩然", "宇轩", "子轩", "俊杰", "思远", "晓燕", "丽娟",
         "海燕", "建华", "春梅", "志强", "秀英", "桂芳", "晨曦", "佳怡", "明轩", "雅静", "婷婷", "磊", "静", "敏", "洋"]
COMMUNITIES = (
    # code, name, plan template, promoters
    ("XINGHUO", "星火社群", "rank-differential-peer", 80),
    ("QINGTENG", "青藤联盟", "single-level-cps", 60),
)
OFFICIAL_TEMPLATE = "two-level-distribution"


@dataclass(frozen=True)
class DemoSummary:
    merchants: int
    products: int
    communities: int
    promoters: int
    consumers: int


class _Phones:
    """Demo phone numbers: 137xxxxxxxx, distinct, never those of the named demo accounts (138…)."""

    def __init__(self) -> None:
        self.next = 13700000000

    def take(self) -> str:
        self.next += 1
        return str(self.next)


def _credit_code(n: int) -> str:
    first17 = "91" + "440300" + "".join(ALPHABET[(n * 7 + i * 3) % len(ALPHABET)] for i in range(9))
    return first17 + check_character(first17)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _accounts() -> dict[str, User]:
    users = {}
    for account in DEMO_ACCOUNTS:
        users[account.username] = user_create(phone=account.phone, username=account.username,
                                              password=DEMO_PASSWORD, display_name=account.display_name,
                                              validate=False)
    admin = users["ops_admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    operator_role_grant(actor=None, user=admin, role="admin")
    operator_role_grant(actor=admin, user=users["ops_finance"], role="finance")
    operator_role_grant(actor=admin, user=users["ops_service"], role="customer_service")
    return users


def _merchant(spec: DemoMerchant, *, n: int, owner: User, ops: User, rng: random.Random) -> int:
    application = merchant_application_submit(
        applicant=owner, business_name=spec.name, credit_code=_credit_code(n),
        legal_representative=spec.legal_representative, contact_phone=owner.phone, category=spec.category,
        description=spec.description)
    merchant = merchant_application_approve(actor=ops, application_id=application.pk).merchant
    now = timezone.now()
    for p, item in enumerate(spec.products):
        product = catalog.product_create(actor=owner, merchant_id=merchant.pk, title=item.title,
                                         category=item.category, description=item.description)
        catalog.product_image_add(actor=owner, product_id=product.pk,
                                  image=placeholder_image(item.title, seed=n * 100 + p))
        for s, sku in enumerate(item.skus):
            catalog.sku_create(actor=owner, product_id=product.pk, spec_name=sku.spec, code=f"SKU-{n}{p:02d}{s}",
                               price=sku.price, supply_price=sku.supply_price, stock=sku.stock,
                               commission_mode="percent" if sku.commission_rate else "fixed",
                               commission_rate=sku.commission_rate, commission_amount=sku.commission_amount)
        catalog.product_submit(actor=owner, product_id=product.pk)
        catalog.product_approve(actor=ops, product_id=product.pk)
        catalog.product_shelve(actor=owner, product_id=product.pk)
        if item.hot_price:
            catalog.product_hot_zone_set(actor=ops, product_id=product.pk, in_hot_zone=True, hot_price=item.hot_price,
                                         starts_at=now, ends_at=now + timezone.timedelta(days=14 + rng.randrange(14)))
        if item.inspected:
            catalog.product_inspected_set(actor=ops, product_id=product.pk, inspected=True,
                                          reason="社群验货报告通过")
    return len(spec.products)


def _grow(*, community: Community, founders: list[Promoter], count: int, rng: random.Random, phones: _Phones,
          placed_share: float = 0.0) -> list[Promoter]:
    """Invite-code sign-ups by preferential attachment (a promoter with a big team recruits more)."""
    members = list(founders)
    weights = [1.0] * len(members)
    for _ in range(count):
        user = user_create(phone=phones.take(), password=None, display_name=_name(rng))
        if rng.random() < placed_share:
            promoter = network.promoter_register(user=user, invite_code=None)  # placed under a mentor
        else:
            inviter = rng.choices(members, weights=weights)[0]
            promoter = network.promoter_register(user=user, invite_code=inviter.invite_code)
            weights[members.index(inviter)] += 1.0
        members.append(promoter)
        weights.append(1.0)
    return members


def _publish(*, ops: User, community: Community, template: str) -> None:
    draft = plan_draft_import(actor=ops, community=community, source=template_text(template))
    plan_publish(actor=ops, draft=draft)


@transaction.atomic
def demo_load(*, seed: int = 2026, promoters: int = 320, consumers: int = 40) -> DemoSummary:
    """Load the demo data set into an empty database (see the module docstring)."""
    rng = random.Random(seed)
    phones = _Phones()
    users = _accounts()
    ops = users["ops_admin"]

    products = 0
    owners = [users["merchant_demo"]] + [user_create(phone=phones.take(), password=None, display_name=_name(rng))
                                         for _ in MERCHANTS[1:]]
    for n, (spec, owner) in enumerate(zip(MERCHANTS, owners, strict=True), start=1):
        products += _merchant(spec, n=n, owner=owner, ops=ops, rng=rng)

    # The official community (芬香 model): a platform root who is also the default sponsor, and mentors.
    official = network.community_official_get()
    official_root = network.community_root_create(
        community=official, user=user_create(phone=phones.take(), password=None, display_name="官方总店"), actor=ops)
    policy = network.network_policy_get()
    NetworkPolicy.objects.filter(pk=policy.pk).update(default_sponsor=official_root)
    mentors = [network.promoter_register(user=users["promoter_mentor"], invite_code=official_root.invite_code)]
    for _ in range(5):
        user = user_create(phone=phones.take(), password=None, display_name="导师·" + _name(rng))
        mentors.append(network.promoter_register(user=user, invite_code=official_root.invite_code))
    for mentor in mentors:
        network.mentor_enroll(actor=ops, promoter=mentor)
    demo_promoter = network.promoter_register(user=users["promoter_demo"], invite_code=None)  # placed
    official_size = promoters - sum(size for *_, size in COMMUNITIES)
    grown = _grow(community=official, founders=[official_root, *mentors, demo_promoter],
                  count=max(official_size - len(mentors) - 2, 0), rng=rng, phones=phones, placed_share=0.35)
    _publish(ops=ops, community=official, template=OFFICIAL_TEMPLATE)
    total = len(grown)

    # Agencies (淘小铺 model): each with its own head, staff and plan.
    for i, (code, name, template, size) in enumerate(COMMUNITIES):
        community = network.community_create(actor=ops, name=name, code=code)
        staff = users["agency_demo"] if i == 0 else user_create(phone=phones.take(), password=None,
                                                                 display_name=name + "·运营")
        network.community_staff_add(actor=ops, community=community, user=staff, role="owner")
        head = network.community_root_create(
            community=community, user=user_create(phone=phones.take(), password=None,
                                                  display_name=name + "·" + _name(rng)), actor=ops)
        total += len(_grow(community=community, founders=[head], count=size - 1, rng=rng, phones=phones))
        _publish(ops=ops, community=community, template=template)

    for _ in range(consumers):
        user_create(phone=phones.take(), password=None, display_name=_name(rng))
    return DemoSummary(merchants=len(MERCHANTS), products=products, communities=1 + len(COMMUNITIES),
                       promoters=total, consumers=consumers + 1)


def demo_is_loaded() -> bool:
    """True once the demo (or any data) is in the database: `--if-empty` then does nothing."""
    return User.objects.exists() or Promoter.objects.exists()
