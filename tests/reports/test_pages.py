"""The /ops/ pages: operators of every role read them, anybody else gets a 404; bad input is answered on the
page beside the filters (never a 500); the income report downloads as CSV; the queries are bounded."""

from __future__ import annotations

import csv
import io

import pytest

from tests.orders import factories as of
from tests.reports.conftest import NOW
from tuishou.demo.clock import DemoClock, moved_clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def now_fixed():
    with moved_clock(DemoClock(NOW)):
        yield


@pytest.mark.parametrize("role", ["admin", "ops", "finance", "customer_service", "risk"])
def test_every_operator_role_reads_both_pages(client, role, db):
    client.force_login(of.operator(role))
    assert client.get("/ops/").status_code == 200
    assert client.get("/ops/income/").status_code == 200


def test_anybody_else_gets_a_404(client, db):
    assert client.get("/ops/").status_code == 404
    assert client.get("/ops/income/?format=csv").status_code == 404
    client.force_login(of.user("路人"))
    assert client.get("/ops/").status_code == 404
    assert client.get("/ops/income/").status_code == 404


def test_the_dashboard_shows_the_month(client, world, now_fixed, django_assert_max_num_queries):
    client.force_login(world["ops"])
    # session, user, roles (gate), filter options (2), scope (1), roles (selector), seven reads; the layout: 6
    with django_assert_max_num_queries(22):  # PostgreSQL: a savepoint without JIT, three more
        response = client.get("/ops/", {"start": "2026-06-01", "end": "2026-06-30", "community": "OFFICIAL"},
                              HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    # the official community's orders only: the 50.00 order credited to nobody belongs to no community
    assert 'data-kpi="gmv">¥600.00<' in html and 'data-kpi="payout_ratio">60.00%<' in html
    assert 'data-kpi="orders">2<' in html and 'data-kpi="open_cases">1<' in html
    assert html.count("<svg") == 16 and "<title>06-03: ¥400.00</title>" in html  # each chart wide and narrow


@pytest.mark.parametrize(("params", "message"), [
    ({"start": "2026-06-30", "end": "2026-06-01"}, "The start date 2026-06-30 is after the end date 2026-06-01."),
    ({"start": "2024-01-01", "end": "2026-06-01"}, "Choose at most 366 days (this range has 883)."),
    ({"community": "NOPE"}, "There is no community &#x27;NOPE&#x27;."),
    ({"merchant": "999999"}, "There is no merchant #999999."),
    ({"merchant": "abc"}, "Choose a merchant from the list."),
    ({"start": "2026-13-45"}, "Give the date as YYYY-MM-DD."),
    ({"kind": "pyramid"}, "Select a valid choice."),
])
def test_bad_input_is_answered_on_the_page(client, db, params, message):
    client.force_login(of.operator("ops"))
    response = client.get("/ops/", params, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html and 'data-kpi="gmv"' not in html


def test_bad_input_in_chinese(client, db):
    client.force_login(of.operator("ops"))
    response = client.get("/ops/", {"start": "2026-06-30", "end": "2026-06-01"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "晚于结束日期" in response.content.decode()


def test_the_income_report_and_its_csv(client, world, now_fixed, django_assert_max_num_queries):
    client.force_login(world["ops"])
    # session, user, roles twice, filter options (2), communities, each one's plan in force (2), the statement;
    # the layout: 6
    with django_assert_max_num_queries(19):  # PostgreSQL: a savepoint setting work_mem, three more
        response = client.get("/ops/income/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200 and "¥71.50" in html and "50.00% (2)" in html
    response = client.get("/ops/income/", {"community": "OFFICIAL", "format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="income-disclosure-2025-07-01-2026-06-30.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["community", "community_name", "rank", "rank_name", "promoters", "earned_nothing", "earned_nothing_share",
         "median", "mean", "p90", "total"],
        ["OFFICIAL", "官方社群", "member", "会员", "2", "2", "1.0000", "0.00", "0.00", "0.00", "0.00"],
        ["OFFICIAL", "官方社群", "shopkeeper", "店主", "2", "0", "0.0000", "6.50", "39.00", "71.50", "78.00"],
        ["OFFICIAL", "官方社群", "*", "", "4", "2", "0.5000", "0.00", "19.50", "71.50", "78.00"],
    ]


def test_an_unknown_community_on_the_income_report(client, db):
    client.force_login(of.operator("finance"))
    response = client.get("/ops/income/", {"community": "NOPE", "format": "csv"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "There is no community" in response.content.decode()
