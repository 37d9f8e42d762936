"""The agency's plan work in the demo (the plan studio's pages have content on first start).

星火社群's staff (agency_demo, 13800000020) has proposed the team-volume draft the loader imported (it waits for
the operator, 13800000001, at /ops/plans/), with a backtest on the community's real orders; and works on a second
draft that trades the plan in force (rates by rank and a one-level referral commission, no error under ``cn``)
for a rank differential with a peer bonus — under the ``cn`` profile its compliance check finds errors (L5: three
or more paid on one order), so it cannot be proposed yet — with a finished simulation and backtest.
"""

from __future__ import annotations

from tuishou.core.jobs import job_execute
from tuishou.demo.world import World
from tuishou.incentives.engine.templates import template_text
from tuishou.incentives.models import PlanVersion
from tuishou.incentives.proposals import plan_draft_start, plan_propose
from tuishou.incentives.studies import plan_backtest_start, plan_simulation_start
from tuishou.network.models import Community

COMMUNITY = "XINGHUO"
WORKING_DRAFT = (("name: 等级级差与平级奖方案", "name: 星火社群 2027 草案（级差与平级奖）"),
                 ("currency: USD", "currency: CNY"), ("jurisdiction: us", "jurisdiction: cn"),
                 ('member: "0.30"', 'member: "0.35"'), ('shopkeeper: "0.40"', 'shopkeeper: "0.45"'))
SIMULATION = {"promoters": 300, "months": 6, "seed": 7}


def _run(study) -> None:
    """The demo has no worker running yet: finish the job here (the worker later finds it done)."""
    job_execute(study.job_id)


def plan_studio_load(world: World) -> None:
    """A proposal waiting for the operator and a working draft, each with its studies."""
    staff = world.users["agency_demo"]
    community = Community.objects.get(code=COMMUNITY)
    proposal = PlanVersion.objects.filter(community=community, status=PlanVersion.Status.DRAFT).order_by("id").first()
    if proposal is not None:
        _run(plan_backtest_start(actor=staff, version=proposal))
        plan_propose(actor=staff, draft=proposal, note="增加月度团队业绩奖，激励带团队的店主；回测见附件。")
    source = template_text("rank-differential-peer")
    for old, new in WORKING_DRAFT:
        source = source.replace(old, new)
    source = "# 星火社群：把等级佣金改为级差加平级奖，并提高会员与店主的比例（草稿）\n" + source
    draft = plan_draft_start(actor=staff, community=community, source=source)
    _run(plan_simulation_start(actor=staff, version=draft, **SIMULATION))
    _run(plan_backtest_start(actor=staff, version=draft))
