from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.network import factories as f
from tests.orders import factories as of
from tuishou.core.errors import DomainError, NotFound
from tuishou.network import community_insight as insight
from tuishou.network.models import CommunityStaff, Promoter
from tuishou.network.services import promoter_record_first_sale

pytestmark = pytest.mark.django_db


def _staff(community, role="viewer"):
    person = f.user("机构运营")
    CommunityStaff.objects.create(user=person, community=community, role=role)
    return person


def _agency_tree():
    """XINGHUO: head → a (→ a1, a2 → a21), b; QINGTENG: head with one invitee."""
    agency, other = f.agency(), f.agency("QINGTENG", "青藤联盟")
    head = f.root(agency, "负责人")
    a, b = f.invitee(head, "阿甲"), f.invitee(head, "阿乙")
    a1, a2 = f.invitee(a, "甲一"), f.invitee(a, "甲二")
    a21 = f.invitee(a2, "甲二一")
    stranger = f.invitee(f.root(other), "外人")
    return agency, {"head": head, "a": a, "b": b, "a1": a1, "a2": a2, "a21": a21, "stranger": stranger}


def test_the_overview_counts_the_community_and_its_sales_this_month(after_commit):
    # given the official community run as a community with staff, a promoter who sold once through a share link
    of.plan()
    root = of.root("阿花")
    seller = of.invitee(root, "小美")
    item = of.sku(price="59.90")
    link = of.share_link(seller, item.product_id)
    order = of.paid_order(after_commit, item=item, quantity=2, share_code=link.code)
    Promoter.objects.filter(pk=root.pk).update(active=False, rank="shopkeeper")
    person = _staff(root.community)

    # when the staff read the overview
    overview = insight.community_overview(user=person, community_id=root.community_id)

    # then the figures are exactly these
    assert order.community_id == root.community_id and order.total == Decimal("119.80")
    assert {k: overview[k] for k in ("promoters", "active", "temporary", "ordinary", "new_this_month", "mentors",
                                     "ranks", "orders_this_month", "sales_this_month")} == {
        "promoters": 2, "active": 1, "temporary": 1, "ordinary": 1, "new_this_month": 2, "mentors": 1,
        "ranks": {"": 1, "shopkeeper": 1}, "orders_this_month": 1, "sales_this_month": Decimal("119.80")}


def test_promoters_mentors_and_a_promoter_s_place_in_the_tree():
    agency, p = _agency_tree()
    person = _staff(agency)
    rows = list(insight.community_promoters(user=person, community_id=agency.pk))
    assert [(r["user__display_name"], r["directs"], r["depth"]) for r in rows] == [
        ("甲二一", 0, 3), ("甲二", 1, 2), ("甲一", 0, 2), ("阿乙", 0, 1), ("阿甲", 2, 1), ("负责人", 2, 0)]
    mentors = list(insight.community_mentors(user=person, community_id=agency.pk))
    assert [(m["user__display_name"], m["directs"]) for m in mentors] == [("负责人", 2), ("阿甲", 2), ("甲二", 1)]
    sizes = insight.team_sizes({m["id"]: m["path"] for m in mentors}, community_id=agency.pk)
    assert [sizes[m["id"]] for m in mentors] == [5, 3, 1]

    detail = insight.promoter_in_community(user=person, community_id=agency.pk, promoter_id=p["a2"].pk)
    assert (detail["name"], detail["directs"], detail["team_size"], detail["levels"]) == (
        "甲二", 1, 1, [{"level": 1, "count": 1}])
    assert [(c["name"], c["level"]) for c in detail["chain"]] == [("阿甲", 1), ("负责人", 2)]


def test_another_community_s_promoter_and_community_are_404():
    agency, p = _agency_tree()
    person = _staff(agency)
    with pytest.raises(NotFound) as other_promoter:
        insight.promoter_in_community(user=person, community_id=agency.pk, promoter_id=p["stranger"].pk)
    with pytest.raises(NotFound) as missing:
        insight.promoter_in_community(user=person, community_id=agency.pk, promoter_id=999_999)
    assert other_promoter.value.code == missing.value.code == "network.promoter_unknown"
    with pytest.raises(NotFound) as other_community:
        insight.community_overview(user=person, community_id=p["stranger"].community_id)
    assert other_community.value.code == "network.community_not_found"


def test_growth_per_day_and_the_teams_that_grew_most():
    # given the tree, its members joined on known days
    agency, p = _agency_tree()
    today = timezone.localdate()
    joined = {"head": 10, "a": 9, "b": 5, "a1": 5, "a2": 3, "a21": 0}
    for name, days_ago in joined.items():
        at = timezone.make_aware(timezone.datetime.combine(today - timedelta(days=days_ago),
                                                           timezone.datetime.min.time())) + timedelta(hours=12)
        Promoter.objects.filter(pk=p[name].pk).update(created_at=at)
    promoter_record_first_sale(p["a"])
    person = _staff(agency)

    # when the staff ask for the last six days
    growth = insight.community_growth(user=person, community_id=agency.pk, start=today - timedelta(days=5), end=today)

    # then the new members and the size per day, and the teams that grew
    assert [(d["new"], d["size"]) for d in growth["days"]] == [(2, 4), (0, 4), (1, 5), (0, 5), (0, 5), (1, 6)]
    assert (growth["size_before"], growth["new_total"]) == (2, 4)
    assert [(g["name"], g["gained"]) for g in growth["leaders"]] == [("负责人", 4), ("阿甲", 3), ("甲二", 1)]


@pytest.mark.parametrize(("start", "end", "code"), [
    (date(2026, 5, 2), date(2026, 5, 1), "network.range_invalid"),
    (date(2025, 1, 1), date(2026, 5, 1), "network.range_too_long"),
])
def test_bad_ranges_are_refused(start, end, code):
    agency, _ = _agency_tree()
    with pytest.raises(DomainError) as refused:
        insight.community_growth(user=_staff(agency), community_id=agency.pk, start=start, end=end)
    assert (refused.value.code, refused.value.details) == (code, {"field": "end"})
