"""A small constructed agency community with real paid orders, for the backtest and the plan studio's tests.

星火社群 (XINGHUO): root A ← B ← C (each the sponsor of the next), all at the lowest rank, a staff member, and
the plan IN_FORCE published. Orders (self-purchases through the real checkout, payment and accrual):
C buys for 400.00 at a 20 % commission setting (B = 80.00), B for 100.00 (B = 20.00), A for 50.00 (B = 10.00,
then refunded in full), and one order of C paid four months ago (outside the default window).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from tests.orders import factories as of
from tests.settlement import factories as sf
from tuishou.incentives.models import PlanVersion
from tuishou.incentives.services import plan_draft_import, plan_publish
from tuishou.network import services as network
from tuishou.network.models import Community, Promoter
from tuishou.orders.models import Order

IN_FORCE = """
id: xinghuo
name: 星火社群分销方案
jurisdiction: us
ranks:
  - {id: member, name: 会员}
  - {id: shopkeeper, name: 店主}
settlement: {freeze_days: 15, after: received}
disclosure: true
rules:
  - {type: direct, rate: {member: "0.30", shopkeeper: "0.50"}}
  - {type: tiers, rates: ["0.10"]}
"""

# Richer for the seller, two levels above it: pays 40 % direct, 5 % to each of two uplines.
DRAFT = """
id: xinghuo
name: 星火社群 2027 草案
jurisdiction: us
ranks:
  - {id: member, name: 会员}
  - {id: shopkeeper, name: 店主}
settlement: {freeze_days: 15, after: received}
disclosure: true
rules:
  - {type: direct, rate: {member: "0.40", shopkeeper: "0.50"}}
  - {type: tiers, id: team, rates: ["0.05", "0.05"]}
"""


@dataclass
class Built:
    community: Community
    ops: object
    staff: object
    a: Promoter
    b: Promoter
    c: Promoter
    in_force: PlanVersion
    orders: list[Order]


def build(after_commit) -> Built:
    ops = of.operator("ops")
    community = network.community_create(actor=ops, name="星火社群", code="XINGHUO")
    staff = of.user("星火·陈老师")
    network.community_staff_add(actor=ops, community=community, user=staff, role="owner")
    a = network.community_root_create(community=community, user=of.user("安娜"), actor=ops)
    b = network.promoter_register(user=of.user("白露"), invite_code=a.invite_code)
    c = network.promoter_register(user=of.user("陈晨"), invite_code=b.invite_code)
    in_force = plan_publish(actor=ops, draft=plan_draft_import(actor=ops, community=community, source=IN_FORCE))
    old = sf.self_purchase(after_commit, c, price="200.00")
    Order.objects.filter(pk=old.pk).update(paid_at=timezone.now() - timedelta(days=125))
    first = sf.self_purchase(after_commit, c, price="400.00")
    second = sf.self_purchase(after_commit, b, price="100.00")
    third = sf.self_purchase(after_commit, a, price="50.00")
    sf.refund(after_commit, third, amount="50.00")
    return Built(community=community, ops=ops, staff=staff, a=a, b=b, c=c, in_force=in_force,
                 orders=[first, second, third])
