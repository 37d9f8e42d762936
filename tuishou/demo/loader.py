"""`tuishou demo`: a living platform, replayed through the same services the platform uses.

The loader sets a moved clock three months back and replays what happens on the platform until now: operator
staff, four vetted merchants with products, SKUs and locally drawn pictures (some in the hot zone 爆品区, some
with the inspected badge 验货区), the official community with mentors and two agencies, each with a plan in
force; a few hundred promoters joining over the months in preferential-attachment trees (a share of the
official community's sign-ups placed under mentors), most opening a micro-store with their own texts; consumers
opening share links and buying; payments through the sandbox gateway with its signed callbacks; shipping,
receipt, after-sales and refunds; the nightly jobs (expiry, auto-confirm, completion, escalation, settlement),
weekly rank evaluations, monthly period settlement; withdrawals reviewed by finance and paid out through the
payout sandbox; and a draft plan prepared for an agency. Nothing is written that a service would not write, so
`tuishou reconcile` is clean afterwards. Seeded: the same seed gives the same data set (counts, names, texts).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from importlib import resources

from django.db import transaction
from django.utils import timezone

from tuishou.accounts.models import User
from tuishou.accounts.services import operator_role_grant, user_create
from tuishou.catalog import services as catalog
from tuishou.catalog.images import placeholder_image
from tuishou.demo import ops_promoters, people, plans, shops
from tuishou.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from tuishou.demo.agency import agency_demo
from tuishou.demo.callbacks import callbacks_in_process
from tuishou.demo.campaigns import campaign_launch_demo, campaign_orders_demo
from tuishou.demo.catalog_data import MERCHANTS, DemoMerchant
from tuishou.demo.clock import DemoClock, moved_clock
from tuishou.demo.coupons import coupons_demo
from tuishou.demo.fates import purchases_schedule
from tuishou.demo.inspections import inspections_schedule
from tuishou.demo.materials import materials_schedule
from tuishou.demo.merchant_catalog import demo_merchant_catalog
from tuishou.demo.merchant_desk import merchant_desk_schedule
from tuishou.demo.merchant_money import merchant_payouts_schedule
from tuishou.demo.money import routine_schedule, withdrawals_schedule
from tuishou.demo.rewards import rewards_schedule
from tuishou.demo.risk import risk_demo
from tuishou.demo.timeline import Timeline
from tuishou.demo.world import DAY, HOUR, World
from tuishou.incentives.engine.templates import template_text
from tuishou.incentives.services import plan_draft_import, plan_publish
from tuishou.merchants.credit_code import ALPHABET, check_character
from tuishou.merchants.services import merchant_application_approve, merchant_application_submit
from tuishou.network import services as network
from tuishou.network.models import Community, NetworkPolicy, Promoter

COMMUNITIES = (
    # code, name, plan (a shipped template, or the demo's own file of that name beside this module), promoters
    ("XINGHUO", "星火社群", "xinghuo-plan", 80),
    ("QINGTENG", "青藤联盟", "single-level-cps", 60),
)
OFFICIAL_TEMPLATE = "two-level-distribution"
HISTORY_DAYS = 90
STARS = {"XINGHUO": 3}  # the agency's head and first recruits with a store sell enough to rise in rank
MENTORS = 6
DEMO_STORE_ITEMS = 9
DEMO_STORE_TITLE = "悦悦的好物小铺"
# The agency's proposal: the team-volume template, adapted for the Chinese market (its findings show why the
# operator should look twice before publishing it).
DRAFT_TEMPLATE = "team-volume-bonus"
DRAFT_CHANGES = (("name: 团队业绩奖方案", "name: 星火社群团队业绩奖方案（2027 草案）"),
                 ("currency: USD", "currency: CNY"), ("jurisdiction: us", "jurisdiction: cn"))


@dataclass(frozen=True)
class DemoSummary:
    merchants: int
    products: int
    communities: int
    promoters: int
    consumers: int
    orders: int


def _credit_code(n: int) -> str:
    first17 = "91" + "440300" + "".join(ALPHABET[(n * 7 + i * 3) % len(ALPHABET)] for i in range(9))
    return first17 + check_character(first17)


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


def _merchant(world: World, spec: DemoMerchant, *, n: int, owner: User) -> None:
    ops = world.ops
    application = merchant_application_submit(
        applicant=owner, business_name=spec.name, credit_code=_credit_code(n),
        legal_representative=spec.legal_representative, contact_phone=owner.phone, category=spec.category,
        description=spec.description)
    merchant = merchant_application_approve(actor=ops, application_id=application.pk).merchant
    world.merchant_staff[merchant.pk] = owner
    for p, item in enumerate(spec.products):
        product = catalog.product_create(actor=owner, merchant_id=merchant.pk, title=item.title,
                                         category=item.category, description=item.description)
        catalog.product_image_add(actor=owner, product_id=product.pk,
                                  image=placeholder_image(item.title, seed=n * 100 + p))
        skus = [catalog.sku_create(actor=owner, product_id=product.pk, spec_name=sku.spec, code=f"SKU-{n}{p:02d}{s}",
                                   price=sku.price, supply_price=sku.supply_price, stock=sku.stock,
                                   commission_mode="percent" if sku.commission_rate else "fixed",
                                   commission_rate=sku.commission_rate, commission_amount=sku.commission_amount).pk
                for s, sku in enumerate(item.skus)]
        catalog.product_submit(actor=owner, product_id=product.pk)
        catalog.product_approve(actor=ops, product_id=product.pk)
        catalog.product_shelve(actor=owner, product_id=product.pk)
        world.products[product.pk], world.product_merchant[product.pk] = skus, merchant.pk
        world.product_titles[product.pk] = item.title
        if item.hot_price:  # a campaign that started nine days ago and runs another two to four weeks
            days = 23 + world.rng.randrange(14)
            world.timeline.at(world.ago(9 * DAY), lambda pk=product.pk, price=item.hot_price, days=days:
                              campaign_launch_demo(world, product_id=pk, price=price, days=days))
        if item.inspected:
            catalog.product_inspected_set(actor=ops, product_id=product.pk, inspected=True, reason="社群验货报告通过")


# A Chinese agency's plan in force is a CNY plan under the cn profile with no error finding: rates that rise with
# the rank and a one-level referral commission (at most two paid on an order). The shipped rank-differential
# template is meant for ``us`` and fails cn's L5; the agency's working draft (tuishou/demo/plans.py) shows that.
DEMO_PLANS = ("xinghuo-plan",)


def plan_source(name: str) -> str:
    """The YAML of a demo plan: the demo's own file ``<name>.yaml`` or the shipped template ``name``."""
    if name in DEMO_PLANS:
        return resources.files("tuishou.demo").joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    return template_text(name)


def _publish(world: World, *, community: Community, template: str) -> None:
    draft = plan_draft_import(actor=world.ops, community=community, source=plan_source(template))
    plan_publish(actor=world.ops, draft=draft)


def _official(world: World, phones: people.Phones, *, size: int) -> None:
    """The official community (芬香 model): a platform root who is also the default sponsor, mentors, the demo
    promoter placed under one of them with a team of their own, and sign-ups over the months."""
    official = network.community_official_get()
    root = network.community_root_create(community=official, user=people.user_new(world, phones, "官方总店"),
                                         actor=world.ops)
    policy = network.network_policy_get()
    NetworkPolicy.objects.filter(pk=policy.pk).update(default_sponsor=root)
    mentors = [network.promoter_register(user=world.users["promoter_mentor"], invite_code=root.invite_code)]
    for _ in range(MENTORS - 1):
        user = people.user_new(world, phones, people.person_name(world))
        mentors.append(network.promoter_register(user=user, invite_code=root.invite_code))
    for mentor in mentors:
        network.mentor_enroll(actor=world.ops, promoter=mentor)
    demo = network.promoter_register(user=world.users["promoter_demo"], invite_code=None)  # placed
    _publish(world, community=official, template=OFFICIAL_TEMPLATE)
    on_join = lambda promoter: shops.on_join(world, promoter)  # noqa: E731
    world.promoters += [root, demo]  # the platform's root sells nothing itself
    for mentor in mentors:
        on_join(mentor)
    world.timeline.at(world.clock_now() + 3 * HOUR, lambda: shops.store_open(world, demo, items=DEMO_STORE_ITEMS,
                                                                             title=DEMO_STORE_TITLE))
    team = people.demo_team_sizes(size - MENTORS - 2)
    people.demo_team(world, phones, sizes=team, on_join=on_join)
    people.grow(world, phones, founders=[root, *mentors, demo], count=size - MENTORS - 2 - sum(n for n, _ in team),
                start=world.ago((HISTORY_DAYS - 1) * DAY), placed_share=0.35, on_join=on_join)


def _agencies(world: World, phones: people.Phones) -> None:
    """Agencies (淘小铺 model): each with its own head, staff and plan."""
    for i, (code, name, template, size) in enumerate(COMMUNITIES):
        community = network.community_create(actor=world.ops, name=name, code=code)
        staff = world.users["agency_demo"] if i == 0 else people.user_new(world, phones, name + "·运营")
        network.community_staff_add(actor=world.ops, community=community, user=staff, role="owner")
        head = network.community_root_create(
            community=community, user=people.user_new(world, phones, people.person_name(world)), actor=world.ops)
        _publish(world, community=community, template=template)
        world.stars[community.pk] = STARS.get(code, 0)
        shops.on_join(world, head)
        people.grow(world, phones, founders=[head], count=size - 1, start=world.ago((HISTORY_DAYS - 2) * DAY),
                    on_join=lambda promoter: shops.on_join(world, promoter))


def _draft_proposed(world: World) -> None:
    """The first agency's proposal for next year's plan, imported as a draft with its compliance findings."""
    source = template_text(DRAFT_TEMPLATE)
    for old, new in DRAFT_CHANGES:
        source = source.replace(old, new)
    source = "# 星火社群提议：在等级佣金之外增加月度团队业绩奖，请平台审核。\n" + source
    plan_draft_import(actor=world.ops, community=Community.objects.get(code=COMMUNITIES[0][0]), source=source)


def _replay(world: World, *, promoters: int, consumers: int) -> int:
    phones = people.Phones()
    owners = [world.users["merchant_demo"]] + [people.user_new(world, phones) for _ in MERCHANTS[1:]]
    for n, (spec, owner) in enumerate(zip(MERCHANTS, owners, strict=True), start=1):
        _merchant(world, spec, n=n, owner=owner)
    official_size = promoters - sum(size for *_, size in COMMUNITIES)
    _official(world, phones, size=official_size)
    _agencies(world, phones)
    people.consumers_schedule(world, phones, count=consumers, customers=max(consumers // 10, 1))
    orders = sum(purchases_schedule(world).values())
    orders += merchant_desk_schedule(world)  # the demo merchant's desk: orders to ship, a case past its SLA
    routine_schedule(world, start_days=HISTORY_DAYS - 1)
    withdrawals_schedule(world)
    merchant_payouts_schedule(world)
    world.timeline.at(world.ago(3 * DAY), lambda: _draft_proposed(world))
    materials_schedule(world)
    inspections_schedule(world)  # 验货区: checklists, tasks, reports, a badge earned and a product under review
    world.timeline.at(world.ago(2 * DAY), lambda: campaign_orders_demo(world))  # 爆品 orders in every community
    rewards_schedule(world)  # materials reward periods: last month's paid, this month's open
    agency_demo(world, phones)  # the agency portal's viewer and a temporary shopkeeper yet to choose a community
    world.timeline.at(world.ago(0.3 * DAY), lambda: ops_promoters.operator_actions_demo(world))
    risk_demo(world, phones)  # risk flags: a farming cluster waiting, one cleared, one rejected
    world.timeline.run()
    demo_merchant_catalog(world)
    plans.plan_studio_load(world)  # the agency's proposal and working draft, simulated and backtested
    coupons_demo(world)  # coupon goods: the sandbox feed, picks, two imported order reports
    return orders


MIN_PROMOTERS = sum(size for *_, size in COMMUNITIES) + MENTORS + 2  # the agencies, the root, mentors, the demo


def demo_load(*, seed: int = 2026, promoters: int = 320, consumers: int = 120) -> DemoSummary:
    """Load the demo data set into an empty database (see the module docstring), in one transaction."""
    if promoters < MIN_PROMOTERS:
        raise ValueError(f"the demo needs at least {MIN_PROMOTERS} promoters")
    end = timezone.now()
    clock = DemoClock(end - HISTORY_DAYS * DAY)
    # The clock is put back before the transaction commits: what runs after commit (the tasks the services
    # enqueue) runs at the real time.
    with transaction.atomic(), callbacks_in_process(), moved_clock(clock):
        users = _accounts()
        world = World(rng=random.Random(seed), timeline=Timeline(clock, end=end), end=end, users=users)
        orders = _replay(world, promoters=promoters, consumers=consumers)
    return DemoSummary(merchants=len(MERCHANTS), products=len(world.products), communities=1 + len(COMMUNITIES),
                       promoters=Promoter.objects.count(), consumers=consumers + 1, orders=orders)


def demo_is_loaded() -> bool:
    """True once the demo (or any data) is in the database: `--if-empty` then does nothing."""
    return User.objects.exists() or Promoter.objects.exists()
