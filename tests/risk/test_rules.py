"""Each rule fires exactly at its threshold and not below, from the point where its fact appears (a paid order, a
refund, a sign-up), and opens at most one flag per (rule, subject) that grows with new orders."""

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.orders import factories as of
from tests.risk import factories as f
from tests.settlement import factories as sf
from tuishou.risk import detection, flags
from tuishou.risk import rules as R
from tuishou.risk.models import AuditEntry, RiskFlag
from tuishou.settlement.models import Commission
from tuishou.settlement.settle import settlement_run

pytestmark = pytest.mark.django_db


def _promoter_link():
    of.plan(sf.EXAMPLE_2)
    promoter = of.root("阿花")
    item = of.sku(price="100.00", stock=100)
    return promoter, item, of.share_link(promoter, item.product_id)


def test_new_accounts_through_one_link_fire_at_the_threshold_and_not_below(after_commit):
    promoter, item, link = _promoter_link()
    f.thresholds(R.NEW_ACCOUNT_CLUSTER, min_accounts=3, account_age_days=7, window_hours=24)
    veteran = f.aged(f.unique_buyer("老客"), days=30)  # an old account does not count
    f.buy(after_commit, veteran, item, share_code=link.code)
    first = [f.buy(after_commit, f.unique_buyer(), item, share_code=link.code) for _ in range(2)]
    assert not f.open_flags(R.NEW_ACCOUNT_CLUSTER).exists()  # 2 new accounts: below

    third = f.buy(after_commit, f.unique_buyer(), item, share_code=link.code)

    flag = f.open_flags(R.NEW_ACCOUNT_CLUSTER).get()
    assert (flag.subject_key, flag.promoter_id, flag.community_id) == (f"link:{link.pk}", promoter.pk,
                                                                       promoter.community_id)
    assert sorted(flag.orders.values_list("pk", flat=True)) == [o.pk for o in [*first, third]]
    assert flag.evidence["new_accounts"] == 3 and flag.evidence["min_accounts"] == "3"
    # a fourth grows the same flag: at most one open flag per (rule, subject)
    fourth = f.buy(after_commit, f.unique_buyer(), item, share_code=link.code)
    assert f.open_flags(R.NEW_ACCOUNT_CLUSTER).get().pk == flag.pk
    assert fourth.pk in flag.orders.values_list("pk", flat=True)
    audit = AuditEntry.objects.filter(target_type="risk.riskflag", target_id=str(flag.pk)).order_by("pk")
    assert list(audit.values_list("action", flat=True)) == ["risk.flag_raised", "risk.flag_grown"]


def test_accounts_older_than_the_age_or_outside_the_window_do_not_count(after_commit):
    _promoter, item, link = _promoter_link()
    f.thresholds(R.NEW_ACCOUNT_CLUSTER, min_accounts=2, account_age_days=7, window_hours=24)
    f.buy(after_commit, f.aged(f.unique_buyer(), days=8), item, share_code=link.code)
    f.buy(after_commit, f.unique_buyer(), item, share_code=link.code)
    assert not RiskFlag.objects.exists()


def test_many_accounts_to_one_phone_fire_at_the_threshold_and_not_below(after_commit):
    promoter, item, link = _promoter_link()
    people = [f.buyer_at(phone="13900001111", detail=f"莫干山路 {n} 号") for n in range(3)]
    orders = [f.buy(after_commit, person, item, share_code=link.code) for person in people[:2]]
    assert not f.open_flags(R.SHARED_DESTINATION).exists()  # 2 accounts: below the default 3

    orders.append(f.buy(after_commit, people[2], item, share_code=link.code))

    flag = f.open_flags(R.SHARED_DESTINATION).get()  # the phone, not the (different) addresses
    assert flag.subject_key.startswith(f"promoter:{promoter.pk}:phone:") and flag.subject_label == "139****1111"
    assert sorted(flag.orders.values_list("pk", flat=True)) == [o.pk for o in orders]
    assert flag.evidence["accounts"] == 3


def test_many_accounts_to_one_address_fire_too(after_commit):
    _promoter, item, link = _promoter_link()
    f.thresholds(R.SHARED_DESTINATION, min_accounts=2)
    for n in range(2):
        f.buy(after_commit, f.buyer_at(phone=f"1390000222{n}", detail="莫干山路 8 号"), item, share_code=link.code)
    flag = f.open_flags(R.SHARED_DESTINATION).get()
    assert ":address:" in flag.subject_key and flag.subject_label == "浙江省杭州市西湖区…"


def test_self_purchases_fire_at_the_ratio_and_amount_and_not_below(after_commit):
    of.plan(sf.EXAMPLE_2)
    x, _, _ = sf.example_2_chain()
    f.switch_off(R.NEW_ACCOUNT_CLUSTER, R.SHARED_DESTINATION)
    f.thresholds(R.SELF_PURCHASE_RATIO, min_amount="10000", min_ratio="4")  # nothing fires while building
    item = of.sku(price="100.00", stock=100)
    link = of.share_link(x, item.product_id)
    other = f.buy(after_commit, f.unique_buyer(), item, share_code=link.code)
    own = sf.self_purchase(after_commit, x, price="400.00")
    others, mine = other.total, own.total
    assert mine == 4 * others
    at = own.paid_at

    f.thresholds(R.SELF_PURCHASE_RATIO, min_amount=str(mine), min_ratio="4.01")
    assert detection.self_purchase_ratio(x.pk, at=at) is None  # ratio just below
    f.thresholds(R.SELF_PURCHASE_RATIO, min_amount=str(mine + Decimal("0.01")), min_ratio="4")
    assert detection.self_purchase_ratio(x.pk, at=at) is None  # amount just below
    f.thresholds(R.SELF_PURCHASE_RATIO, min_amount=str(mine), min_ratio="4")
    finding = detection.self_purchase_ratio(x.pk, at=at)
    assert finding is not None and finding.order_ids == (own.pk,)
    assert (finding.evidence["self_purchases"], finding.evidence["sales_to_others"], finding.evidence["ratio"]) \
        == (str(mine), str(others), "4.00")


def test_a_refund_within_the_hours_after_settlement_fires_and_one_after_does_not(after_commit):
    of.plan(sf.EXAMPLE_2)
    x, _, _ = sf.example_2_chain()
    f.switch_off(R.SELF_PURCHASE_RATIO)
    f.thresholds(R.REFUND_AFTER_SETTLEMENT, within_hours=2)
    order = sf.received(sf.self_purchase(after_commit, x))
    settlement_run(as_of=order.received_at + timedelta(days=60))
    settled_at = Commission.objects.filter(order=order).order_by("settled_at").first().settled_at

    assert detection.refund_after_settlement(order, refunded_at=settled_at + timedelta(hours=2, microseconds=1)) \
        is None
    assert detection.refund_after_settlement(order, refunded_at=settled_at + timedelta(hours=2)) is not None
    sf.refund(after_commit, order, amount="100.00")  # now: minutes after settlement, through the task

    flag = f.open_flags(R.REFUND_AFTER_SETTLEMENT).get()
    assert flag.subject_key == f"promoter:{x.pk}" and list(flag.orders.values_list("pk", flat=True)) == [order.pk]


def test_sign_ups_under_one_sponsor_fire_at_the_threshold_and_not_below(after_commit):
    sponsor = of.root("团长")
    f.thresholds(R.SIGNUP_VELOCITY, min_signups=3, window_hours=1)
    with after_commit():
        joined = [of.invitee(sponsor, f"新人{n}") for n in range(2)]
    assert not RiskFlag.objects.exists()
    with after_commit():
        joined.append(of.invitee(sponsor, "新人2"))
    flag = f.open_flags(R.SIGNUP_VELOCITY).get()
    assert (flag.subject_key, flag.account_ids) == (f"promoter:{sponsor.pk}", sorted(p.user_id for p in joined))
    assert not flag.orders.exists()


def test_a_switched_off_rule_does_not_fire_and_a_decided_subject_reopens_only_for_new_orders(after_commit):
    _promoter, item, link = _promoter_link()
    f.thresholds(R.NEW_ACCOUNT_CLUSTER, min_accounts=2)
    orders = [f.buy(after_commit, f.unique_buyer(), item, share_code=link.code) for _ in range(2)]
    flag = f.open_flags(R.NEW_ACCOUNT_CLUSTER).get()
    flags.risk_flag_clear(actor=of.operator("risk"), flag_id=flag.pk, reason="团购活动，正常")
    assert flags.risk_order_paid_check(order_id=orders[1].pk) == []  # the same orders again: nothing new
    newer = f.buy(after_commit, f.unique_buyer(), item, share_code=link.code)
    reopened = f.open_flags(R.NEW_ACCOUNT_CLUSTER).get()
    assert reopened.pk != flag.pk and list(reopened.orders.values_list("pk", flat=True)) == [newer.pk]
    f.switch_off(R.NEW_ACCOUNT_CLUSTER)
    f.buy(after_commit, f.unique_buyer(), item, share_code=link.code)
    assert reopened.orders.count() == 1
