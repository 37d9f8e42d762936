"""The authorization matrix's world: two of each owner (promoters, merchants, communities), a caller per role on
side A, and every resource a path parameter can name, built through the real services and factories.

``World.path_value(name, path, side, role)`` answers the value of a path parameter for a caller: on side ``"A"``
the caller's own resource (a buyer's own order, merchant A's product, community A's plan), on side ``"B"``
another's (consumer B's order, merchant B's product, community B's plan). Values that belong to nobody (a
material, a withdrawal in the review queue) are the same on both sides.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.catalog import factories as catalog_factories
from tests.merchants import factories as merchant_factories
from tests.orders import factories as order_factories
from tuishou.accounts.services import api_token_issue, operator_role_grant, user_create
from tuishou.community.inspections import checklist_create, checklist_item_add, inspection_task_open
from tuishou.core import api_roles
from tuishou.coupons.services import coupon_pick_add
from tuishou.incentives.services import plan_draft_import, plan_publish
from tuishou.merchants.models import MerchantStaff
from tuishou.network import services as network_services
from tuishou.network.models import Community, CommunityStaff
from tuishou.orders import aftersales, fulfilment
from tuishou.stores import services as store_services

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000080000000808020000004b6d29dc0000001449444154789c633c2127c7800d3061"
    "151db41200d0ca01143e63a8990000000049454e44ae426082")  # an 8×8 red PNG
MISSING = 987654321  # an id nothing has: a resource the world does not build
LOGIN_PHONE, LOGIN_PASSWORD = "13800001111", "Matrix-pass-2026"  # the account the sign-in route signs in

CALLERS = ("anonymous", "consumer", "promoter", "merchant_owner", "merchant_staff", "agency_staff",
           *api_roles.OPERATORS)
BUYERS = tuple(c for c in CALLERS if c != "anonymous")


def image(name: str = "p.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@dataclass
class Side:
    community: Community
    promoter: object
    merchant: object
    owner: object
    staff: object
    agency_staff: object
    product: object
    sku: object
    consumer: object
    values: dict = field(default_factory=dict)


@dataclass
class World:
    sides: dict
    tokens: dict
    users: dict
    mine: dict  # role -> {param: value} for resources a caller owns as a person (orders, addresses, messages)
    shared: dict  # param -> value, the same for every caller and side

    def path_value(self, name: str, path: str, side: str, role: str):
        key = _key(name, path)
        if side == "A" and key in self.mine.get(role, {}):
            return self.mine[role][key]
        if side == "B" and key in self.mine.get("consumer_b", {}):
            return self.mine["consumer_b"][key]
        if key in self.sides[side].values:
            return self.sides[side].values[key]
        return self.shared.get(key, MISSING)

    def header(self, role: str) -> dict:
        token = self.tokens.get(role)
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}


def _key(name: str, path: str) -> str:
    """Parameters whose meaning depends on the route (``user_id``, ``code``, ``item_id``) are keyed by it."""
    if name == "user_id":
        return "merchant_user_id" if "/merchants/" in path else "community_user_id"
    if name == "code":
        if "/links/" in path:
            return "link_code"
        if "/public/stores/" in path:
            return "store_code"
        if "/public/products/" in path:
            return "product_link_code"
        if "/invite-codes/" in path:
            return "invite_code"
        if "/rules/" in path:
            return "rule_code"
        if "/plan-in-force" in path:
            return "public_community_code"  # the plan in force is disclosed to every signed-in person
        return "community_code"
    if name == "item_id":
        return {"inspections": "checklist_item_id", "coupons": "coupon_item_id"}.get(path.split("/")[3],
                                                                                    "store_item_id")
    if name == "new_sponsor_id":
        return "promoter_id"
    if name == "report_id":
        return "coupon_report_id" if "/coupons/" in path else "inspection_report_id"
    if name == "role":
        return "community_role" if "/communities/" in path else "merchant_role"
    if name == "share_code":
        return "link_code"
    if name == "period_id":
        return "reward_period_id"
    if name == "application_id" and "/merchants/" in path:
        return "merchant_application_id"
    return name


def _user(name: str):
    return user_create(phone=merchant_factories.phone(), password=None, display_name=name)


def _side(label: str, after_commit, ops) -> Side:
    community = Community.objects.create(kind=Community.Kind.AGENCY, name=f"社群{label}", code=f"MATRIX{label}")
    plan_publish(actor=ops, draft=plan_draft_import(actor=ops, community=community, source=order_factories.PLAN))
    draft = plan_draft_import(actor=ops, community=community, source=order_factories.PLAN)
    promoter = network_services.community_root_create(community=community, user=_user(f"推手{label}"))
    agency_staff = _user(f"机构{label}")
    CommunityStaff.objects.create(user=agency_staff, community=community, role=CommunityStaff.Role.MANAGER)
    owner = _user(f"店主{label}")
    merchant = merchant_factories.merchant(owner=owner, name=f"商家{label}")
    staff = _user(f"店员{label}")
    MerchantStaff.objects.create(merchant=merchant, user=staff, role=MerchantStaff.Role.STAFF)
    sku = order_factories.sku(merchant=merchant, stock=500, title=f"蜂蜜{label}")
    product = sku.product
    side = Side(community=community, promoter=promoter, merchant=merchant, owner=owner, staff=staff,
                agency_staff=agency_staff, product=product, sku=sku, consumer=_user(f"消费者{label}"))
    item = store_services.store_item_add(user=promoter.user, product_id=product.pk)
    link, _ = store_services.share_link_create(user=promoter.user, target="product", product_id=product.pk)
    store = store_services.store_mine(user=promoter.user)
    picture = _picture(product)
    side.values.update({
        "promoter_id": promoter.pk, "merchant_id": merchant.pk, "product_id": product.pk, "sku_id": sku.pk,
        "image_id": picture.pk, "community_id": community.pk, "community_code": community.code,
        "store_item_id": item.pk, "link_code": link.code, "store_code": store.code, "product_link_code": link.code,
        "invite_code": promoter.invite_code, "merchant_user_id": staff.pk, "community_user_id": agency_staff.pk,
        "version_id": draft.pk, "task_id": inspection_task_open(
            actor=ops, product_id=product.pk, community_id=community.pk, due_at=timezone.now() + timedelta(days=5),
            note="").pk,
    })
    return side


def _picture(product):
    from tuishou.catalog.models import ProductImage

    return ProductImage.objects.create(product=product, image=image())


def _purchase(after_commit, person, side: Side) -> dict:
    """A paid, shipped order of ``side``'s product bought by ``person`` through its promoter's link, with an open
    after-sales case: what a buyer's routes name."""
    link_code = side.values["link_code"]
    order = order_factories.paid_order(after_commit, person=person, item=side.sku, quantity=1, share_code=link_code)
    fulfilment.order_ship(actor=side.owner, order_id=order.pk, carrier="SF", tracking_number=f"SF{order.pk:010d}")
    case = aftersales.aftersales_open(buyer=person, order_id=order.pk, kind="refund_only", reason="破损",
                                      amount=Decimal("1.00"))
    cart_line = _cart_line(person, side)
    return {"order_id": order.pk, "checkout_id": order.checkout_id, "case_id": case.pk,
            "payment_id": _payment(person).pk, "address_id": order_factories.address(person).pk,
            "line_id": cart_line.pk, "message_id": _message(person)}


def _payment(person):
    from tuishou.payments.models import Payment

    return Payment.objects.filter(user=person).latest("pk")


def _cart_line(person, side: Side):
    from tuishou.orders import services as order_services

    return order_services.cart_add(user=person, sku_id=side.sku.pk, quantity=1)


def _message(person):
    """A message of a kind the purchases already sent somebody, with its parameters."""
    from tuishou.notifications.models import Message

    model = Message.objects.order_by("pk").first()
    return Message.objects.create(recipient=person, kind=model.kind, key=uuid.uuid4().hex, params=model.params,
                                  created_at=timezone.now()).pk


def world_build(after_commit) -> World:
    ops = _user("运营建档")
    operator_role_grant(actor=None, user=ops, role="ops")
    a, b = _side("A", after_commit, ops), _side("B", after_commit, ops)
    users = {"consumer": a.consumer, "promoter": a.promoter.user, "merchant_owner": a.owner,
             "merchant_staff": a.staff, "agency_staff": a.agency_staff}
    for role in api_roles.OPERATORS:
        users[role] = _user(f"运营{role}")
        operator_role_grant(actor=None, user=users[role], role=role)
    mine = {role: _purchase(after_commit, person, a) for role, person in users.items()}
    mine["consumer_b"] = _purchase(after_commit, b.consumer, b)
    shared = _shared(a, b, users, ops)
    shared.update(_queues(after_commit, a, b, ops))
    for side in (a, b):
        side.values["study_id"] = _study(side)
    user_create(phone=LOGIN_PHONE, password=LOGIN_PASSWORD, display_name="登录者")
    tokens = {role: api_token_issue(user=person).token for role, person in users.items()}
    return World(sides={"A": a, "B": b}, tokens=tokens, users=users, mine=mine, shared=shared)


def _shared(a: Side, b: Side, users: dict, ops) -> dict:
    """Resources that belong to no caller (operators' queues, a material, the plan in force), the same whoever
    asks and on either side."""
    from tests.campaigns import factories as campaign_factories
    from tuishou.community import materials
    from tuishou.community.rewards import reward_period_create
    from tuishou.incentives.selectors import templates_list
    from tuishou.risk.rules import RULES

    coupon_item = _coupon_item(ops)
    for side in (a, b):
        side.values["pick_id"] = coupon_pick_add(promoter=side.promoter, item_id=coupon_item.pk).pk
    checklist = checklist_create(actor=ops, category="", name="矩阵清单")
    material = materials.material_publish(user=b.promoter.user, product_id=b.product.pk, text="矩阵素材，好用",
                                          images=[image()])
    hot = order_factories.sku(merchant=a.merchant, title="爆品", price="99.00").product
    catalog_sku(hot)
    campaign = campaign_factories.running(hot, ops=ops)
    period = reward_period_create(actor=ops, title="矩阵奖励", starts_on=today() - timedelta(days=30),
                                  ends_on=today() - timedelta(days=1), pool=Decimal("10.00"),
                                  cap_share=Decimal("0.5000"), min_rating=Decimal("0"), min_ratings=0)
    values = {"gateway_name": "sandbox", "provider_name": "sandbox", "board": "sales",
              "name": templates_list()[0]["name"], "period": today().strftime("%Y-%m"),
              "rule_code": next(iter(RULES)), "coupon_item_id": coupon_item.pk,
              "public_community_code": a.community.code, "material_id": material.pk, "checklist_id": checklist.pk,
              "checklist_item_id": checklist_item_add(actor=ops, checklist_id=checklist.pk, label="外包装").pk,
              "campaign_id": campaign.pk, "reward_period_id": period.pk,
              "merchant_application_id": merchant_factories.application().pk,
              "community_role": "manager", "merchant_role": "staff", "credit_code": merchant_factories.credit_code(),
              "source": order_factories.PLAN}
    return values


def _queues(after_commit, a: Side, b: Side, ops) -> dict:
    """Real rows in the operators' queues, none of them a caller's: a promoter's application and a mentor switch
    waiting for ops, side B's promoter's withdrawal waiting for finance, a risk flag on side B, side B's
    inspection report, a coupon order report import."""
    from tests.network import factories as network_factories
    from tests.wallets import factories as wallet_factories
    from tuishou.community.inspections import inspection_report_file, inspection_settings_set
    from tuishou.community.inspections_selectors import checklist_items, community_ranks
    from tuishou.coupons.services import order_report_import
    from tuishou.network.promotion import promoter_become
    from tuishou.risk.detection import Finding
    from tuishou.risk.flags import flag_raise
    from tuishou.risk.rules import RULES

    policy = network_factories.policy()
    saved = {name: getattr(policy, name) for name in ("promotion_mode", "placement_policy", "switch_cooldown_days",
                                                      "switch_requires_approval")}
    network_factories.policy(promotion_mode="application", placement_policy="round_robin", switch_cooldown_days=0,
                             switch_requires_approval=True)
    application = promoter_become(user=_user("申请人"), reason="想做推手").application
    network_factories.mentor()
    mentor = network_factories.mentor()
    placed = network_services.promoter_register(user=_user("换导师"), invite_code=None)
    switch = network_services.mentor_switch_request(promoter=placed, to_mentor_id=mentor.pk, reason="离家近")
    network_factories.policy(**saved)
    wallet_factories.fund(b.promoter, "100.00")
    withdrawal = wallet_factories.withdraw(b.promoter, "50.00")
    flag = flag_raise(Finding(rule=next(iter(RULES)), subject_key=f"matrix:{b.promoter.pk}", subject_label="矩阵",
                              community_id=b.community.pk, promoter_id=b.promoter.pk,
                              account_ids=(b.consumer.pk,)))
    inspection_settings_set(actor=ops, community_id=b.community.pk,
                            inspector_rank=community_ranks(b.community.pk)[0][0], passes_required=3, reward="0",
                            all_zones_rank="")
    answers = [{"item_id": item.pk, "ok": True, "note": ""} for item in checklist_items(b.product.category)]
    report = inspection_report_file(user=b.promoter.user, task_id=b.values["task_id"], verdict="pass",
                                    answers=answers, photos=[image()])
    imported = order_report_import(actor=ops, source="api", connector="sandbox", start=today() - timedelta(days=7),
                                   end=today())
    return {"application_id": application.pk, "request_id": switch.pk, "withdrawal_id": withdrawal.pk,
            "flag_id": flag.pk, "inspection_report_id": report.pk, "coupon_report_id": imported.pk}


def _study(side: Side) -> int:
    """A small simulation of the side's draft plan, started by its agency's staff."""
    from tuishou.incentives.models import PlanVersion
    from tuishou.incentives.studies import plan_simulation_start

    draft = PlanVersion.objects.get(pk=side.values["version_id"])
    return plan_simulation_start(actor=side.agency_staff, version=draft, promoters=50, months=1).pk


def _coupon_item(ops):
    from tuishou.coupons.models import CouponItem
    from tuishou.coupons.services import feed_import

    feed_import(actor=ops, connector="sandbox")
    return CouponItem.objects.filter(valid_until__gt=timezone.now()).order_by("pk").first()


def catalog_sku(product):
    return catalog_factories.sku(product=product, price="99.00", stock=50, commission_rate="0.1000")


def today() -> date:
    return timezone.localdate()


def soon() -> str:
    return (timezone.now() + timedelta(days=3)).isoformat()
