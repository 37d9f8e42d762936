"""The demo's inspected zone (验货区): in the last week the operator writes checklists (a default one and one per
category), sets each community's rules, and opens inspection tasks. Inspectors of the official community receive
the goods and file reports with photos and the checklist: the laundry pods earn their badge from three accepted
passing reports (each paid ¥5.00 through the ledger), the kitchen wipes are under review after a failing
report, the thermos cup waits for its first reports (the demo promoter 张悦 sees it and the wipes' task open),
and in 星火社群 a shopkeeper's report on the tea waits for the operator.

Its own random stream; every payment falls after the last finance round, so the rest of the demo (and the
figures its tests count) is the same with or without it."""

from __future__ import annotations

import random
from datetime import timedelta

from tuishou.catalog.images import placeholder_image
from tuishou.community import inspections as svc
from tuishou.community.inspections_selectors import checklist_items, community_ranks
from tuishou.community.models_inspections import InspectionReport, InspectionTask
from tuishou.demo.world import DAY, World
from tuishou.network.models import Community, Promoter

SEED = 11
CHECKLISTS = (
    ("", "通用验货清单", ("外包装完好无破损", "实物与详情页描述一致", "规格数量与订单一致",
                          "标签、生产日期与保质期清晰")),
    ("清洁", "清洁用品验货清单", ("包装密封无渗漏", "气味正常无刺激", "实际数量与标注一致", "使用效果与描述相符")),
    ("水果", "生鲜水果验货清单", ("到货无腐烂、无明显磕碰", "个头与描述一致", "口感新鲜、甜度正常")),
    ("喂养", "母婴喂养用品验货清单", ("材质标识清楚（316 不锈钢）", "杯盖密封不漏水", "保温 6 小时后仍温热",
                                     "无异味、无毛刺")),
)
LAUNDRY, WIPES, CUP, TEA = ("浓缩洗衣凝珠 52 颗", "厨房重油污清洁湿巾 80 抽×3 包", "儿童 316 不锈钢保温杯 500ml",
                            "云南高山古树普洱茶 357g 饼")
PASS_TEXTS = ("包装完好，凝珠颗粒饱满，数量和标注一致。", "到货很快，实物和详情页一样，气味淡。",
              "拆开检查了每一项，没有发现问题。", "外箱有轻微压痕但内包装完好，效果不错。")
FAILURE = "湿巾偏干：第二包开封就已经干硬，去油效果也明显变差，怀疑是临期库存。"


def inspections_schedule(world: World) -> None:
    """Schedule the operator's set-up, the tasks, the reports and the decisions over the last week."""
    rng = random.Random(SEED)
    at = world.timeline.at
    at(world.ago(7 * DAY), lambda: _setup(world))
    at(world.ago(6 * DAY), lambda: _task(world, LAUNDRY, "OFFICIAL", days=10, note="收货后逐项检查，拍清包装和凝珠"))
    at(world.ago(5 * DAY), lambda: _task(world, WIPES, "OFFICIAL", days=12, note="重点看湿润度和去油效果"))
    at(world.ago(3 * DAY), lambda: _task(world, TEA, "XINGHUO", days=10, note="看饼面、干仓气味和压制年份"))
    at(world.ago(1 * DAY), lambda: _task(world, CUP, "OFFICIAL", days=7, note="重点看杯盖密封和保温时长"))
    for n, days in enumerate((5, 4.5, 4)):
        at(world.ago(days * DAY), lambda n=n: _file(world, rng, LAUNDRY, inspector=n))
    for n, days in enumerate((3, 2.5)):
        at(world.ago(days * DAY), lambda n=n: _file(world, rng, WIPES, inspector=3 + n))
    at(world.ago(1.2 * DAY), lambda: _file(world, rng, WIPES, promoter=world.demo_promoter))
    at(world.ago(1 * DAY), lambda: _file(world, rng, WIPES, inspector=5, failing=True))
    at(world.ago(1 * DAY), lambda: _file_xinghuo(world, rng))
    # after the last finance round (0.8 days ago): the rewards change nobody's place in it
    at(world.ago(0.45 * DAY), lambda: _decide(world, LAUNDRY, close="已收齐三份通过报告"))
    at(world.ago(0.4 * DAY), lambda: _decide(world, WIPES, only_passes=True))
    at(world.ago(0.05 * DAY), lambda: _zones(world))


def _product(world: World, title: str) -> int:
    return next(pk for pk, name in world.product_titles.items() if name == title)


def _setup(world: World) -> None:
    for category, name, labels in CHECKLISTS:
        checklist = svc.checklist_create(actor=world.ops, category=category, name=name)
        for label in labels:
            svc.checklist_item_add(actor=world.ops, checklist_id=checklist.pk, label=label)
    official = Community.objects.get(kind=Community.Kind.OFFICIAL)
    svc.inspection_settings_set(actor=world.ops, community_id=official.pk,
                                inspector_rank=community_ranks(official.pk)[0][0], passes_required=3,
                                reward="5.00", all_zones_rank="")
    xinghuo = Community.objects.get(code="XINGHUO")
    svc.inspection_settings_set(actor=world.ops, community_id=xinghuo.pk, inspector_rank="shopkeeper",
                                passes_required=3, reward="8.00", all_zones_rank="")


def _zones(world: World) -> None:
    """星火社群 follows the article's advice: its members (below 店主) pick only inspected goods from now on."""
    xinghuo = Community.objects.get(code="XINGHUO")
    svc.inspection_settings_set(actor=world.ops, community_id=xinghuo.pk, inspector_rank="shopkeeper",
                                passes_required=3, reward="8.00", all_zones_rank="shopkeeper")


def _task(world: World, title: str, community: str, *, days: int, note: str) -> None:
    where = Community.objects.get(code=community)
    svc.inspection_task_open(actor=world.ops, product_id=_product(world, title), community_id=where.pk,
                             due_at=world.clock_now() + timedelta(days=days), note=note)


def _inspectors(world: World) -> list[Promoter]:
    """Official sellers other than the demo promoter, in a fixed order."""
    official = Community.objects.get(kind=Community.Kind.OFFICIAL)
    return sorted((s.promoter for s in world.sellers.values()
                   if s.promoter.community_id == official.pk and s.promoter.pk != world.demo_promoter.pk),
                  key=lambda p: p.pk)


def _file(world: World, rng: random.Random, title: str, *, inspector: int = 0, promoter: Promoter | None = None,
          failing: bool = False) -> None:
    who = promoter or _inspectors(world)[inspector]
    task = InspectionTask.objects.select_related("product").get(product_id=_product(world, title), status="open")
    items = checklist_items(task.product.category)
    answers = [{"item_id": item.pk, "ok": not (failing and k >= len(items) - 2),
                "note": "第二包已干硬" if failing and k == len(items) - 1 else ""} for k, item in enumerate(items)]
    photos = [placeholder_image(f"{title} 验货", seed=who.pk * 10 + k) for k in range(rng.randrange(1, 4))]
    svc.inspection_report_file(user=who.user, task_id=task.pk, verdict="fail" if failing else "pass",
                               reasons=FAILURE if failing else rng.choice(PASS_TEXTS), answers=answers,
                               photos=photos)


def _file_xinghuo(world: World, rng: random.Random) -> None:
    """A 星火社群 shopkeeper (or higher) reports on the tea; nobody qualifies yet: no report."""
    ranks = [rank_id for rank_id, _name in community_ranks(Community.objects.get(code="XINGHUO").pk)]
    able = sorted((s.promoter for s in world.sellers.values() if s.promoter.community.code == "XINGHUO"),
                  key=lambda p: p.pk)
    able = [p for p in Promoter.objects.filter(pk__in=[p.pk for p in able]).order_by("pk")
            if p.rank in ranks[1:]]
    if able:
        _file(world, rng, TEA, promoter=able[0])


def _decide(world: World, title: str, *, close: str = "", only_passes: bool = False) -> None:
    reports = InspectionReport.objects.filter(product_id=_product(world, title), status="submitted").exclude(
        inspector=world.demo_promoter).order_by("pk")
    for report in reports:
        if only_passes and report.verdict != "pass":
            continue
        svc.inspection_report_decide(actor=world.ops, report_id=report.pk, accept=True, reason="照片清晰，逐项核对无误")
    if close:
        task = InspectionReport.objects.filter(product_id=_product(world, title)).first().task
        svc.inspection_task_close(actor=world.ops, task_id=task.pk, reason=close)
