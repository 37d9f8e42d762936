"""The operators' promoter actions in the demo (/ops/promoters/): one promoter frozen with a reason (their pending
commissions held), one rank set by hand that the evaluation keeps, one invite code disabled — each through the
services, so the audit trail shows them. Run late in the replay, after finance's last withdrawal round, so that
nothing later in the demo asks a frozen promoter to withdraw."""

from __future__ import annotations

from django.db.models import Sum

from tuishou.demo.world import World
from tuishou.incentives.rank_override import community_rank_choices, promoter_rank_override_set
from tuishou.network.models import Promoter
from tuishou.network.operator_actions import promoter_freeze, promoter_invite_code_set_active
from tuishou.settlement.models import Commission

FREEZE_REASON = "同一收货地址短期内集中下单 12 笔，疑似刷单，佣金暂缓结算，待风控复核"
RANK_REASON = "线下社群活动组织者，经运营评审特批为更高等级，保留至年底复核"
INVITE_REASON = "邀请码被发布在公开引流群中，应推手本人要求停用"


def operator_actions_demo(world: World) -> None:
    """Freeze, set a rank by hand and disable an invite code, each on a different promoter (never the demo's)."""
    demo_users = [world.users[name].pk for name in ("promoter_demo", "promoter_mentor")]
    others = Promoter.objects.exclude(user_id__in=demo_users).exclude(sponsor=None)
    # The official promoter with the most commission still pending: the freeze holds it.
    held = (Commission.objects.filter(status=Commission.Status.PENDING, promoter__in=others,
                                      promoter__community__kind="official")
            .values("promoter_id").annotate(total=Sum("amount")).order_by("-total", "promoter_id").first())
    if held is not None:
        promoter_freeze(actor=world.ops, promoter_id=held["promoter_id"], reason=FREEZE_REASON)
    # An agency promoter at the lowest rank lifted one rank by hand.
    for promoter in others.filter(community__kind="agency").order_by("community_id", "-paid_sales_count", "pk"):
        ranks = community_rank_choices(community_id=promoter.community_id)
        if len(ranks) > 1 and promoter.rank in ("", ranks[0][0]):
            promoter_rank_override_set(actor=world.ops, promoter_id=promoter.pk, rank=ranks[1][0], reason=RANK_REASON)
            break
    leaky = others.filter(invite_code_active=True, frozen_at=None).order_by("-created_at", "pk").first()
    if leaky is not None:
        promoter_invite_code_set_active(actor=world.ops, promoter_id=leaky.pk, active=False, reason=INVITE_REASON)
