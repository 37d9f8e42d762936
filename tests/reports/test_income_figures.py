"""The income disclosure equals the same figures recomputed here from the ledger's commission lines: each
promoter's earnings over the window, sorted per rank, nearest-rank median and p90, mean to the fen."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests.reports.conftest import NOW
from tuishou.ledger.models import JournalLine
from tuishou.network.models import Promoter
from tuishou.reports.selectors.income import income_csv_rows, income_disclosure, income_window
from tuishou.reports.selectors.scope import scope_resolve

pytestmark = pytest.mark.django_db
ZERO = Decimal("0.00")


def nearest_rank(values: list[Decimal], p: Decimal) -> Decimal:
    ordered = sorted(values)
    return ordered[math.ceil(p * len(ordered)) - 1]


def recomputed(lowest: dict[str, str]) -> dict[tuple[str, str | None], tuple]:
    window = income_window(NOW)
    earned: dict[int, Decimal] = {}
    for line in JournalLine.objects.select_related("entry", "account").filter(order_ref__isnull=False):
        if line.account.promoter_id and window.start <= line.entry.created_at < NOW:
            earned[line.account.promoter_id] = earned.get(line.account.promoter_id, ZERO) - line.amount
    groups: dict[tuple[str, str | None], list[Decimal]] = {}
    for p in Promoter.objects.select_related("community"):
        rank = p.rank or lowest.get(p.community.code, "")
        for key in ((p.community.code, rank), (p.community.code, None)):
            groups.setdefault(key, []).append(earned.get(p.pk, ZERO))
    return {key: (len(v), sum(1 for e in v if e <= 0), nearest_rank(v, Decimal("0.5")),
                  (sum(v, ZERO) / len(v)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
                  nearest_rank(v, Decimal("0.9")), sum(v, ZERO)) for key, v in groups.items()}


def test_the_report_equals_the_ledger(world):
    report = income_disclosure(user=world["ops"], scope=scope_resolve(), now=NOW)
    got = {(r.community_code, r.rank): (r.promoters, r.zero_earners, r.median, r.mean, r.p90, r.total)
           for r in report.rows}
    assert got == recomputed({"OFFICIAL": "member"})
    # written out: X and Z (shopkeepers) earned 71.50 and 6.50 in all; Y and the newcomer (member, the newcomer by
    # the empty lowest rank) nothing.
    assert got[("OFFICIAL", "shopkeeper")] == (2, 0, Decimal("6.50"), Decimal("39.00"), Decimal("71.50"),
                                               Decimal("78.00"))
    assert got[("OFFICIAL", "member")] == (2, 2, ZERO, ZERO, ZERO, ZERO)
    assert [(r.community_code, r.rank) for r in report.rows] == [
        ("OFFICIAL", "member"), ("OFFICIAL", "shopkeeper"), ("OFFICIAL", None), ("XINGHUO", ""), ("XINGHUO", None)]
    shop = next(r for r in report.rows if r.rank == "shopkeeper")
    assert (shop.rank_name, shop.zero_share) == ("店主", Decimal("0.0000"))


def test_one_community(world):
    report = income_disclosure(user=world["ops"], scope=scope_resolve(community="XINGHUO"), now=NOW)
    assert [(r.community_code, r.rank, r.promoters, r.zero_earners, r.zero_share) for r in report.rows] == [
        ("XINGHUO", "", 1, 1, Decimal("1.0000")), ("XINGHUO", None, 1, 1, Decimal("1.0000"))]


def test_earnings_before_the_window_do_not_count(world):
    report = income_disclosure(user=world["ops"], scope=scope_resolve(community="OFFICIAL"),
                               now=NOW.replace(year=2027, month=6, day=15))
    assert {r.total for r in report.rows} == {ZERO}


def test_the_csv_holds_every_row(world):
    report = income_disclosure(user=world["ops"], scope=scope_resolve(), now=NOW)
    rows = income_csv_rows(report)
    assert rows[0][:5] == ["community", "community_name", "rank", "rank_name", "promoters"]
    assert rows[2] == ["OFFICIAL", "官方社群", "shopkeeper", "店主", "2", "0", "0.0000", "6.50", "39.00", "71.50",
                       "78.00"]
    assert len(rows) == 1 + len(report.rows)


def test_the_report_takes_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    # roles, communities, each community's plan in force, the promoters' mark, the statement (on PostgreSQL
    # inside a savepoint that sets its work_mem: three more)
    with django_assert_max_num_queries(10):
        income_disclosure(user=world["ops"], scope=scope_resolve(), now=NOW)
