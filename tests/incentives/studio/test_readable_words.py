"""The plan shown on the desk pages reads in the page's language: parameter words, enumerated values, rank names."""

from django.utils import translation

from tuishou.incentives.readable import plan_readable

DOCUMENT = {
    "id": "p", "name": "方案", "currency": "CNY", "jurisdiction": "cn",
    "ranks": [{"id": "member", "name": "会员"}, {"id": "shopkeeper", "name": "店主"}],
    "binding": {"mode": "first_click", "valid_days": 30}, "settlement": {"freeze_days": 15, "after": "received"},
    "rules": [{"type": "differential", "id": "diff", "rates": {"member": "0.30", "shopkeeper": "0.40"},
               "include_seller": True},
              {"type": "pool", "period": "month", "share": "0.01", "min_rank": "shopkeeper", "split": "by_volume"}],
}


def test_the_plan_reads_in_chinese():
    with translation.override("zh-hans"):
        plan = plan_readable(DOCUMENT)
        parameters = {str(label): value for label, value in plan["parameters"]}
    assert [r["params"] for r in plan["rules"]] == [
        "比例: 会员 0.30, 店主 0.40 · 含卖家本人: 是",
        "销售额占比: 0.01 · 最低获奖等级: 店主 · 周期: 月 · 分配方式: 按业绩"]
    assert parameters["客户绑定"] == "归属方式: 首次点击 · 有效天数: 30"
    assert parameters["结算"] == "冻结天数: 15 · 起算于: 确认收货"
    assert parameters["佣金基数"] == "佣金（商家支付部分）"


def test_the_plan_reads_in_english():
    with translation.override("en"):
        plan = plan_readable(DOCUMENT)
        parameters = {str(label): value for label, value in plan["parameters"]}
    assert plan["rules"][0]["params"] == "rates: 会员 0.30, 店主 0.40 · seller included: yes"
    assert parameters["Binding"] == "attribution: first click · valid days: 30"
