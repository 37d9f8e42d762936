from decimal import Decimal

import pytest
from django.db import connection

from tests.network import factories as f
from tuishou.core.errors import NotFound
from tuishou.network import selectors
from tuishou.network.models import Promoter

pytestmark = pytest.mark.django_db


def _tree():
    """top ─ a ─ a1 ─ a2 ; top ─ b ; a ─ a3"""
    top = f.root(display_name="顶")
    a = f.invitee(top, "阿")
    a1, a2 = f.chain(a, 2)
    b = f.invitee(top)
    a3 = f.invitee(a)
    return top, a, a1, a2, b, a3


def test_chain_runs_from_the_promoter_up_to_the_root():
    top, a, a1, a2, _b, _a3 = _tree()
    chain = selectors.promoter_chain(a2.pk)
    assert [row["id"] for row in chain] == [a2.pk, a1.pk, a.pk, top.pk]
    assert [row["depth"] for row in chain] == [3, 2, 1, 0]
    assert chain[0] == {"id": a2.pk, "sponsor_id": a1.pk, "user_id": a2.user_id, "community_id": a2.community_id,
                        "rank": "", "active": True, "depth": 3, "stage": "temporary"}


def test_chain_reads_runs_of_first_children_as_ranges_and_other_levels_alone():
    top, a, a1, a2, b, a3 = _tree()
    b1 = f.invitee(b)  # b is top's second child, b1 b's first
    a31, = f.chain(a3, 1)  # a3 is a's third child
    assert [row["id"] for row in selectors.promoter_chain(b1.pk)] == [b1.pk, b.pk, top.pk]
    assert [row["id"] for row in selectors.promoter_chain(a31.pk)] == [a31.pk, a3.pk, a.pk, top.pk]
    assert [row["id"] for row in selectors.promoter_chain(a3.pk)] == [a3.pk, a.pk, top.pk]
    assert [row["id"] for row in selectors.promoter_chain(a2.pk)] == [a2.pk, a1.pk, a.pk, top.pk]


def test_engine_chain_and_ancestor_ids_are_tuples_of_the_same_chain():
    top, a, a1, a2, b, a3 = _tree()
    Promoter.objects.filter(pk=a1.pk).update(rank="gold", active=False)
    b1 = f.invitee(b)
    links = selectors.chain_links(a2.pk)
    assert [(pk, rank, bool(active)) for pk, rank, active in links] == [
        (a2.pk, "", True), (a1.pk, "gold", False), (a.pk, "", True), (top.pk, "", True)]
    assert links == selectors.chain_links_for_path(a2.path)
    assert links == [(row["id"], row["rank"], row["active"]) for row in selectors.promoter_chain(a2.pk)]
    assert selectors.ancestor_ids(b1.pk) == [b1.pk, b.pk, top.pk]
    assert selectors.ancestor_ids_for_path(a3.path) == [a3.pk, a.pk, top.pk]
    assert selectors.ancestor_ids(top.pk) == [top.pk]
    with pytest.raises(NotFound):
        selectors.chain_links(12345)


def test_engine_chain_is_one_query_from_the_path(django_assert_num_queries):
    _top, _a, _a1, a2, _b, _a3 = _tree()
    with django_assert_num_queries(1):
        assert len(selectors.chain_links_for_path(a2.path)) == 4


def test_chain_of_a_root_is_the_root_alone():
    top, *_ = _tree()
    assert [row["id"] for row in selectors.promoter_chain(top.pk)] == [top.pk]


def test_chain_is_one_query_after_the_path_lookup(django_assert_num_queries):
    _top, _a, _a1, a2, _b, _a3 = _tree()
    with django_assert_num_queries(2):
        selectors.promoter_chain(a2.pk)


def test_chain_of_an_unknown_promoter():
    with pytest.raises(NotFound) as err:
        selectors.promoter_chain(12345)
    assert err.value.code == "network.promoter_unknown"


def test_subtree_stats_count_and_sum_the_whole_team():
    top, a, a1, a2, b, a3 = _tree()
    for promoter, volume in [(a, "10.50"), (a1, "3.25"), (a2, "100.00"), (b, "7.00")]:
        Promoter.objects.filter(pk=promoter.pk).update(personal_volume=Decimal(volume))
    assert selectors.subtree_stats(a) == (4, Decimal("113.75"))
    assert selectors.subtree_stats(top) == (6, Decimal("120.75"))
    assert selectors.subtree_stats(a3) == (1, Decimal("0.00"))


def test_team_views():
    top, a, _a1, _a2, _b, a3 = _tree()
    assert selectors.team_size(top) == 5
    assert selectors.team_size(a) == 3
    assert selectors.team_counts_by_depth(top) == [{"depth": 1, "count": 2}, {"depth": 2, "count": 2},
                                                   {"depth": 3, "count": 1}]
    assert selectors.team_counts_by_depth(a) == [{"depth": 1, "count": 2}, {"depth": 2, "count": 1}]
    assert selectors.direct_downline_count(a) == 2
    page = selectors.direct_downlines(a, limit=1, offset=1)
    assert [row["id"] for row in page] == [a3.pk]
    assert selectors.direct_downlines(top, limit=5)[0]["display_name"] == "阿"


def test_public_name_masks_the_phone():
    assert selectors.public_name("", "13912345678") == "139****5678"
    assert selectors.public_name("小明", "13912345678") == "小明"


def _captured(run):
    """(sql, params) of the queries ``run`` makes."""
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        run()
    return seen


def _plan(sql, params) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # tiny test tables: ask whether an index *can* serve
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def test_subtree_and_ancestor_queries_use_an_index_on_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite plan")
    _top, a, _a1, a2, _b, _a3 = _tree()
    (subtree_sql, subtree_params), = _captured(lambda: selectors.subtree_stats(a))
    subtree_plan = _plan(subtree_sql, subtree_params)
    assert "USING COVERING INDEX promoter_path_volume_idx (path>? AND path<?)" in subtree_plan
    (chain_sql, chain_params), = _captured(lambda: selectors.chain_links_for_path(a2.path))
    chain_plan = _plan(chain_sql, chain_params)
    # json_each's ranges outside, one range of the path index inside each: never a scan of the table.
    assert "INDEX" in chain_plan and "(path>? AND path<?)" in chain_plan, chain_plan
    (depth_sql, depth_params), = _captured(lambda: selectors.team_counts_by_depth(a))
    assert "INDEX" in _plan(depth_sql, depth_params)


@pytest.mark.postgres_only
def test_subtree_and_ancestor_queries_use_an_index_on_postgresql():
    _top, a, _a1, a2, _b, _a3 = _tree()
    (subtree_sql, subtree_params), = _captured(lambda: selectors.subtree_stats(a))
    plan = _plan(subtree_sql, subtree_params)
    # The (path, volume) index answers it alone on a vacuumed table; on a fresh test table the planner may still
    # visit the heap, use a bitmap over the same index, or take another index on path (the unique one, seen after a
    # full run; the chain's, on a table of a few rows) — what matters is that the range is an index range over the path.
    assert any(index in plan for index in ("promoter_path_volume_idx", "network_promoter_path_key",
                                           "promoter_chain_idx")), plan
    assert "Index Cond: ((path >=" in plan and "Seq Scan" not in plan, plan
    (chain_sql, chain_params), = _captured(lambda: selectors.chain_for_path(a2.path))
    assert "Index" in _plan(chain_sql, chain_params)


def _random_tree(seed: int, size: int = 400) -> tuple[list[int], list[bytes], list[int]]:
    """Bulk-written promoters of a random tree (ids, paths, parent index): wide sponsors (two-byte segments past
    128 children), a 150-level run of first children, chains of later children, everything mixed."""
    import random

    from django.db.models import Max

    from tuishou.accounts.models import User
    from tuishou.network import treepath

    rng = random.Random(seed)
    parent = [-1]
    for i in range(1, size):
        parent.append(0 if i < 140 else i - 1 if i < 290 or rng.random() < 0.5 else rng.randrange(i))
    paths, children = [], [0] * size
    for p in parent:
        paths.append(treepath.encode_segment(200 + seed) if p < 0 else paths[p] + treepath.encode_segment(children[p]))
        if p >= 0:
            children[p] += 1
    base = (User.objects.aggregate(m=Max("id"))["m"] or 0) + 1000
    community = f.official()
    User.objects.bulk_create([User(id=base + i, username=f"tree{seed}-{i}") for i in range(size)])
    Promoter.objects.bulk_create([
        Promoter(id=base + i, user_id=base + i, community=community, sponsor_id=None if p < 0 else base + p,
                 path=paths[i], depth=len(treepath.split(paths[i])) - 1, invite_code=f"T{seed}{i:05d}"[:8],
                 joined_via="invite", rank=f"r{i % 3}", active=i % 4 != 0) for i, p in enumerate(parent)])
    return [base + i for i in range(size)], paths, parent


@pytest.mark.parametrize("seed", [1, 2])
def test_chain_values_equal_a_walk_up_the_sponsors_for_every_promoter(seed):
    ids, paths, parent = _random_tree(seed)
    assert max(map(len, paths)) > 150
    for i in range(len(ids)):
        expected, j = [], i
        while j >= 0:
            expected.append((ids[j], f"r{j % 3}", j % 4 != 0))
            j = parent[j]
        got = selectors.chain_links_for_path(paths[i])
        assert [(pk, rank, bool(active)) for pk, rank, active in got] == expected
        assert selectors.ancestor_ids_for_path(paths[i]) == [pk for pk, _, _ in expected]
