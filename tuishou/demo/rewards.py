"""The demo's materials reward periods (素材奖励): last month's platform-wide period, funded by the operator and
paid to the authors whose materials led to orders, and this month's period, funded and open (its preview shows
the split so far). Deterministic: the figures follow from the materials' citations, orders and ratings."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tuishou.community import rewards
from tuishou.demo.world import DAY, World


def rewards_schedule(world: World) -> None:
    """Draft and fund both periods, and settle last month's, a few hours before the demo's end."""
    world.timeline.at(world.ago(0.2 * DAY), lambda: _periods(world))


def _periods(world: World) -> None:
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    finance = world.users["ops_finance"]
    paid = rewards.reward_period_create(
        actor=world.ops, title=f"{last_month.month}月素材奖励", starts_on=last_month,
        ends_on=this_month - timedelta(days=1), pool="2000.00", cap_share="0.3", min_rating="3.5", min_ratings=2)
    rewards.reward_period_fund(actor=finance, period_id=paid.pk)
    rewards.reward_period_settle(actor=finance, period_id=paid.pk)
    next_month = (this_month + timedelta(days=32)).replace(day=1)
    running = rewards.reward_period_create(
        actor=world.ops, title=f"{this_month.month}月素材奖励", starts_on=this_month,
        ends_on=next_month - timedelta(days=1), pool="3000.00", cap_share="0.3", min_rating="3.5", min_ratings=2)
    rewards.reward_period_fund(actor=finance, period_id=running.pk)
