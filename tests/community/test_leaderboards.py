"""Leaderboards of a community (display only): sales net of refunds without self-purchases, team growth over every
level, calendar periods, shared places, the viewer's own place, and clean answers for unknown boards and periods."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.orders import factories as of
from tests.settlement import factories as sf
from tuishou.community.leaderboards import leaderboard, window_for
from tuishou.core.errors import InvalidInput
from tuishou.network.models import Promoter
from tuishou.orders.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(after_commit):
    of.plan()
    hua = of.root("阿花")
    li = of.invitee(hua, "小李")
    zhou = of.invitee(li, "小周")
    item = of.sku(price="59.90", stock=50)
    via_hua = of.paid_order(after_commit, item=item, quantity=2, share_code=of.share_link(hua, item.product_id).code)
    via_li = of.paid_order(after_commit, item=item, quantity=1, share_code=of.share_link(li, item.product_id).code)
    of.paid_order(after_commit, item=item, quantity=3, share_code=of.share_link(zhou, item.product_id).code)
    own = of.paid_order(after_commit, person=li.user, item=item, quantity=5,
                        share_code=of.share_link(li, item.product_id).code)
    return {"hua": hua, "li": li, "zhou": zhou, "via_hua": via_hua, "via_li": via_li, "own": own}


def test_sales_board_counts_customers_net_of_refunds_and_leaves_self_purchases_out(world, after_commit):
    assert world["own"].self_purchase and world["own"].promoter_id == world["li"].pk
    sf.refund(after_commit, world["via_hua"], amount="59.90")  # one of two refunded
    board = leaderboard(community_id=world["hua"].community_id, board="sales", period="month",
                        viewer_id=world["li"].pk, today=timezone.localdate())
    assert [(r.place, r.name, r.value, r.detail) for r in board.rows] == [
        (1, "小周", Decimal("179.70"), 1), (2, "阿花", Decimal("59.90"), 1), (2, "小李", Decimal("59.90"), 1)]
    assert board.mine == board.rows[2] and board.mine.me and board.entrants == 3


def test_orders_paid_in_another_period_count_there(world):
    local = timezone.localdate()
    last_month = (local.replace(day=1) - timedelta(days=1)).replace(day=10)
    paid = timezone.make_aware(datetime.combine(last_month, datetime.min.time()).replace(hour=12))
    Order.objects.filter(pk=world["via_li"].pk).update(paid_at=paid)
    this = leaderboard(community_id=world["hua"].community_id, board="sales", period="month", today=local)
    before = leaderboard(community_id=world["hua"].community_id, board="sales", period="last_month", today=local)
    assert [r.name for r in this.rows] == ["小周", "阿花"]
    assert [(r.name, r.value) for r in before.rows] == [("小李", Decimal("59.90"))] and before.mine is None


def test_growth_board_counts_every_level_below_and_who_invited_directly(world):
    board = leaderboard(community_id=world["hua"].community_id, board="growth", period="month",
                        viewer_id=world["zhou"].pk, today=timezone.localdate())
    assert [(r.place, r.name, r.value, r.detail) for r in board.rows] == [(1, "阿花", 2, 1), (2, "小李", 1, 1)]
    assert board.mine is None  # nobody joined under 小周
    Promoter.objects.filter(pk=world["zhou"].pk).update(created_at=timezone.now() - timedelta(days=400))
    board = leaderboard(community_id=world["hua"].community_id, board="growth", period="month",
                        today=timezone.localdate())
    assert [(r.name, r.value, r.detail) for r in board.rows] == [("阿花", 1, 1)]


def test_periods_are_calendar_periods_in_local_time():
    zone = timezone.get_current_timezone()
    week = window_for("week", today=date(2026, 12, 4))  # a Friday
    assert (week.first_day, week.last_day, week.start.tzinfo) == (date(2026, 11, 30), date(2026, 12, 6), zone)
    assert (window_for("month", today=date(2026, 12, 4)).first_day,
            window_for("month", today=date(2026, 12, 4)).last_day) == (date(2026, 12, 1), date(2026, 12, 31))
    jan = window_for("last_month", today=date(2027, 1, 31))
    assert (jan.first_day, jan.last_day) == (date(2026, 12, 1), date(2026, 12, 31))


@pytest.mark.parametrize(("board", "period", "code"), [("likes", "month", "community.board_unknown"),
                                                      ("sales", "year", "community.period_unknown")])
def test_unknown_board_or_period_is_a_clean_error(board, period, code):
    with pytest.raises(InvalidInput) as caught:
        leaderboard(community_id=1, board=board, period=period)
    assert caught.value.code == code


def test_api_and_page(world, client, django_assert_max_num_queries):
    client.force_login(world["hua"].user)
    body = client.get("/api/v1/community/leaderboards/growth?period=month").json()
    assert body["rows"] == [{"place": 1, "name": "阿花", "value": "2", "detail": 1, "me": True},
                            {"place": 2, "name": "小李", "value": "1", "detail": 1, "me": False}]
    assert body["mine"]["place"] == 1 and body["entrants"] == 2
    refused = client.get("/api/v1/community/leaderboards/growth?period=decade")
    assert refused.status_code == 400 and refused.json()["code"] == "community.period_unknown"
    with django_assert_max_num_queries(12):
        page = client.get("/centre/leaderboards/?board=sales&period=month")
    text = page.content.decode()
    assert page.status_code == 200 and "小周" in text and "¥179.70" in text and "排行榜仅供展示" in text
    assert text.count('<span class="badge info">我</span>') == 1  # the viewer's own row; not 我的 (the account tab)
    assert client.get("/centre/leaderboards/?board=x&period=y").status_code == 200  # stray values: the defaults


def test_desk_boards_for_staff_of_the_community_and_operators(world, client, django_assert_max_num_queries):
    from tests.network import factories as nf
    from tuishou.network.models import Community, CommunityStaff

    staff, outsider = nf.user("星火运营"), nf.user("路人")
    agency = Community.objects.create(kind=Community.Kind.AGENCY, name="星火社群", code="XINGHUO")
    CommunityStaff.objects.create(user=staff, community=agency)
    client.force_login(staff)
    page = client.get("/agency/leaderboards/?board=growth").content.decode()
    assert "星火社群" in page and "阿花" not in page  # their own community only: nobody joined it this month
    client.force_login(nf.operator("finance"))
    official = world["hua"].community_id
    with django_assert_max_num_queries(12):
        page = client.get(f"/ops/leaderboards/?community={official}&board=sales&period=month").content.decode()
    assert page.index("小周") < page.index("阿花") < page.index("小李") and "¥179.70" in page
    client.force_login(outsider)
    assert client.get("/agency/leaderboards/").status_code == 404
