"""Benchmark of the materials ranking (素材排行) at scale, against bare SQL in the same run (run on demand).

    .venv/bin/python bench/materials.py                                   # 100,000 materials, 10,000,000 citations
    .venv/bin/python bench/materials.py --materials 20000 --citations 1000000

Builds a throwaway PostgreSQL database (``tuishou_bench_materials``, dropped and re-created, dropped at the end
unless ``--keep``) with the project's migrations; creates communities, products and an operator through the
services, then bulk-loads in SQL (``INSERT … SELECT … generate_series``): promoters spread over the communities,
materials (1% hidden) of random authors and products over 180 days, one reuse link per material, and citations
skewed towards popular materials (material index ∝ random()²) over the last 180 days. The stored ranking scores
(``community.MaterialScore``) are then built in one SQL statement with the formula of ``materials_scores`` and
checked against ``material_scores_refresh`` (the Python recomputation) on a sample.

Measured (median ms over every community, after a warm-up):
* ``materials_ranked`` — the selector a ranking page calls — first page and a deep page (offset 2,000);
* ``GET /centre/materials/`` through Django's test client as a promoter of the community (the whole page);
* bare SQL of the same page on the stored scores (the floor), and bare SQL of the same ranking computed from the
  citations at read time (what a page without stored scores has to do: the decayed sum per material).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dashboard import db_recreate, db_url, insert_select, sql  # noqa: E402
from bench.page_parts import breakdown_statements, page_breakdown  # noqa: E402

BENCH_DB = os.environ.get("TUISHOU_BENCH_DB", "bench11_materials")
COMMUNITIES = 10
GOAL_MS = 200


def db_exists(pg_url: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def django_setup(pg_url: str, workdir: Path, *, sqlite: bool = False) -> None:
    os.environ["TUISHOU_DATA_DIR"] = str(workdir)
    os.environ["DEBUG"] = "0"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tuishou.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}" if sqlite else db_url(pg_url, BENCH_DB)
    os.environ["TUISHOU_TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)
    call_command("collectstatic", interactive=False, verbosity=0)


def load(*, promoters: int, materials: int, citations: int) -> tuple[list[int], dict[str, float]]:
    """The rows: services for the few, SQL for the many. Returns the community ids and seconds per step."""
    from tuishou.accounts.models import User
    from tuishou.community.models import Citation, Material
    from tuishou.network.models import Promoter
    from tuishou.stores.models import ShareLink

    took: dict[str, float] = {}
    t = time.perf_counter()
    communities, products = services_rows()
    took["services (communities, products)"] = time.perf_counter() - t
    community_of = "(ARRAY[" + ",".join(map(str, communities)) + "])[(g % " + str(COMMUNITIES) + ") + 1]"
    t = time.perf_counter()
    base_user = sql("SELECT coalesce(max(id), 0) FROM accounts_user")[0][0]
    insert_select(User, {"id": f"{base_user} + g", "username": "'bench' || g", "phone": "'2' || lpad(g::text, 10, '0')",
                         "password": "'!'", "display_name": "'推手' || g", "date_joined": "now()"},
                  f"generate_series(1::bigint, {promoters}) g")
    base = sql("SELECT coalesce(max(id), 0) FROM network_promoter")[0][0]
    insert_select(Promoter, {
        "id": f"{base} + g", "user_id": f"{base_user} + g", "community_id": community_of,
        "path": "'\\xff'::bytea || int8send(g)", "invite_code": "'B' || lpad(to_hex(g), 7, '0')",
        "joined_via": "'invite'", "stage": "'ordinary'", "rank": "''", "created_at": "now() - interval '400 days'"},
        f"generate_series(1::bigint, {promoters}) g")
    sql("SELECT setval(pg_get_serial_sequence('network_promoter', 'id'), (SELECT max(id) FROM network_promoter))")
    sql("SELECT setval(pg_get_serial_sequence('accounts_user', 'id'), (SELECT max(id) FROM accounts_user))")
    took["promoters"] = time.perf_counter() - t
    # Material g: author promoter g % promoters (so its community is the author's), product g % 50.
    t = time.perf_counter()
    products_sql = "(ARRAY[" + ",".join(map(str, products)) + "])[(g % 50) + 1]"
    insert_select(Material, {
        "id": "g", "author_id": f"{base} + 1 + (g % {promoters})",
        "community_id": community_of.replace("(g %", f"((1 + (g % {promoters})) %"),
        "product_id": products_sql, "text": "'山里的蜂蜜，孩子爱吃 #' || g",
        "status": "CASE WHEN g % 100 = 0 THEN 'hidden' ELSE 'visible' END",
        "created_at": "now() - ((g * 7919) % 180) * interval '1 day' - (g % 86400) * interval '1 second'"},
        f"generate_series(1::bigint, {materials}) g")
    insert_select(ShareLink, {
        "id": "g", "code": "'M' || lpad(to_hex(g), 10, '0')", "promoter_id": f"{base} + 1 + ((g * 31) % {promoters})",
        "target": "'product'", "product_id": products_sql, "material_id": "g"},
        f"generate_series(1::bigint, {materials}) g")
    for table in ("community_material", "stores_sharelink"):
        sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    took["materials + links"] = time.perf_counter() - t
    t = time.perf_counter()
    # 10M rows: drop the table's indexes and foreign keys, load in one INSERT … SELECT from generate_series, then
    # rebuild each index once and re-validate each key in one pass (instead of maintaining them row by row).
    indexes = [row[0] for row in sql("SELECT indexdef FROM pg_indexes WHERE tablename = 'community_citation' "
                                     "AND indexname NOT LIKE '%%_pkey'")]
    keys = sql("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
               "WHERE conrelid = 'community_citation'::regclass AND contype = 'f'")
    for name, _ in keys:
        sql(f'ALTER TABLE community_citation DROP CONSTRAINT "{name}"')
    for definition in indexes:
        sql(f'DROP INDEX "{definition.split(" INDEX ", 1)[1].split(" ON ", 1)[0].strip()}"')
    insert_select(Citation, {
        "material_id": "c.m", "link_id": "c.m", "promoter_id": f"{base} + 1 + ((c.g * 2654435761) % {promoters})",
        "channel": "(ARRAY['wechat','moments','group','poster','other'])[(c.g % 5) + 1]",
        "created_at": "now() - power(random(), 1.5) * interval '180 days'"},
        f"(SELECT g, 1 + floor(power(random(), 2) * {materials})::bigint AS m "
        f"FROM generate_series(1::bigint, {citations}) g) c")
    took["citations: insert (no indexes)"] = time.perf_counter() - t
    t = time.perf_counter()
    sql("SET maintenance_work_mem = '512MB'")
    for definition in indexes:
        sql(definition)
    for name, definition in keys:
        sql(f'ALTER TABLE community_citation ADD CONSTRAINT "{name}" {definition}')
    took["citations: indexes and keys rebuilt"] = time.perf_counter() - t
    t = time.perf_counter()
    scores_build(materials)
    took["stored scores (one SQL statement)"] = time.perf_counter() - t
    t = time.perf_counter()
    for table in ("network_promoter", "community_material", "community_citation", "stores_sharelink",
                  "community_materialscore"):
        sql(f"VACUUM ANALYZE {table}")
    took["vacuum analyze"] = time.perf_counter() - t
    return communities, took


def services_rows() -> tuple[list[int], list[int]]:
    """The few rows made through the services: the communities (the official one first) and 50 products."""
    from tests.orders import factories as of
    from tuishou.network import services as network

    ops = of.operator("ops")
    official = network.community_official_get()
    communities = [official.pk] + [network.community_create(actor=ops, name=f"社群{i}", code=f"BENCH{i}").pk
                                   for i in range(1, COMMUNITIES)]
    return communities, [of.sku(price="59.90", stock=10).product_id for _ in range(50)]


def scores_build(materials: int) -> None:
    """``MaterialScore`` for every material, by the formula of ``community.materials_scores`` (in SQL)."""
    from django.conf import settings

    from tuishou.community.materials_scores import EPOCH, HALF_LIFE_DAYS, PRIOR_MEAN

    sql("DELETE FROM community_materialscore")
    sql(f"""
        INSERT INTO community_materialscore (material_id, community_id, product_id, visible, created_at, cited, sold,
                                             rated, citation_count, order_count, rating_sum, rating_count)
        SELECT m.id, m.community_id, m.product_id, m.status = 'visible', m.created_at, coalesce(c.s, 0), 0,
               {PRIOR_MEAN}, coalesce(c.n, 0), 0, 0, 0
        FROM community_material m LEFT JOIN (
            SELECT material_id, sum(n * power(2::float8, (d - date '{EPOCH}') / {HALF_LIFE_DAYS}.0)) s, sum(n) n
            FROM (SELECT material_id, (created_at AT TIME ZONE '{settings.TIME_ZONE}')::date d, count(*) n
                  FROM community_citation GROUP BY 1, 2) per_day GROUP BY 1) c ON c.material_id = m.id""")


def scores_check(sample: int = 300) -> float:
    """The largest relative difference between the SQL-built scores and ``material_scores_refresh``'s."""
    from tuishou.community.materials_scores import material_scores_refresh

    ids = [row[0] for row in sql(f"SELECT material_id FROM community_materialscore ORDER BY random() LIMIT {sample}")]
    before = dict(sql("SELECT material_id, cited FROM community_materialscore WHERE material_id = ANY(%s)", [ids]))
    counts = dict(sql("SELECT material_id, citation_count FROM community_materialscore WHERE material_id = ANY(%s)",
                      [ids]))
    material_scores_refresh(ids)
    after = dict(sql("SELECT material_id, cited FROM community_materialscore WHERE material_id = ANY(%s)", [ids]))
    recount = dict(sql("SELECT material_id, citation_count FROM community_materialscore WHERE material_id = ANY(%s)",
                       [ids]))
    assert counts == recount, "citation counts differ"
    return max((abs(before[i] - after[i]) / max(abs(after[i]), 1e-300) for i in ids), default=0.0)


def timed(fn, repeat: int) -> float:
    fn()
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs)


def measure(communities: list[int], repeat: int, skip_live: bool = False) -> dict[str, float]:
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from tuishou.accounts.models import User
    from tuishou.community.materials_scores import EPOCH, scale
    from tuishou.community.selectors import materials_ranked
    from tuishou.network.models import Promoter

    today = timezone.localdate()
    stored = ("SELECT material_id, cited FROM community_materialscore WHERE community_id = %s AND visible "
              "ORDER BY cited DESC, created_at DESC, material_id DESC LIMIT 20 OFFSET %s")
    stored_count = "SELECT count(*) FROM community_materialscore WHERE community_id = %s AND visible"
    live = f"""
        SELECT m.id, sum(x.n * power(0.5::float8, (date '{today}' - x.d) / 14.0)) s
        FROM community_material m JOIN (
            SELECT material_id, (created_at AT TIME ZONE '{settings.TIME_ZONE}')::date d, count(*) n
            FROM community_citation GROUP BY 1, 2) x ON x.material_id = m.id
        WHERE m.community_id = %s AND m.status = 'visible'
        GROUP BY m.id, m.created_at ORDER BY s DESC, m.created_at DESC, m.id DESC LIMIT 20"""
    live_fast = f"""
        SELECT c.material_id, sum(power(0.5::float8, (date '{today}' - (c.created_at AT TIME ZONE
               '{settings.TIME_ZONE}')::date) / 14.0)) s
        FROM community_citation c JOIN community_material m ON m.id = c.material_id
        WHERE m.community_id = %s AND m.status = 'visible'
        GROUP BY c.material_id, m.created_at ORDER BY s DESC, m.created_at DESC, c.material_id DESC LIMIT 20"""
    viewers = {c: User.objects.get(pk=Promoter.objects.filter(community_id=c).order_by("pk")
                                   .values_list("user_id", flat=True).first()) for c in communities}
    clients = {}
    for c, user in viewers.items():
        clients[c] = Client()
        clients[c].force_login(user)
    assert EPOCH and scale(today) > 0

    def each(fn):
        return statistics.median(timed(lambda c=c: fn(c), repeat) for c in communities)

    def page(c):
        response = clients[c].get("/centre/materials/")
        assert response.status_code == 200, response.status_code

    breakdown = page_breakdown(lambda: page(communities[0]), repeat)
    print("page GET /centre/materials/, where the time goes (median ms of each part over the runs):", flush=True)
    for part, ms in breakdown.items():
        print(f"  {part}: {ms:.1f}", flush=True)
    statements = breakdown_statements(lambda: page(communities[0]))
    print(f"page GET /centre/materials/: {len(statements)} queries:", flush=True)
    for sql_text, _params, during_render in statements:
        print(f"  {'render' if during_render else 'view  '}  {sql_text[:140]}")
    # The page's own reads as bare SQL: the ranking's join (21 rows) and their images, sent through a raw cursor.
    own = {c: [(q, params) for q, params, during_render in breakdown_statements(lambda c=c: page(c))
               if "community_material" in q and not during_render] for c in communities}
    assert all(len(reads) == 2 for reads in own.values()), own

    def page_sql(c):
        for q, params in own[c]:
            sql(q, params)

    # Exactness on the data: the selector's first page is the bare SQL's on the stored scores.
    for c in communities:
        got = [m.pk for m in materials_ranked(community_id=c, order="citations")[0]]
        assert got == [row[0] for row in sql(stored, [c, 0])], "selector and bare SQL disagree"
    out = {
        "selector: first page": each(lambda c: materials_ranked(community_id=c, order="citations")),
        "selector: page at offset 2,000": each(lambda c: materials_ranked(community_id=c, order="citations",
                                                                            offset=2000)),
        "selector: by orders, first page": each(lambda c: materials_ranked(community_id=c, order="orders")),
        "page GET /centre/materials/": each(page),
        "bare SQL of the page's two reads (ranking join, 21 rows; images)": each(page_sql),
        "bare SQL, stored scores: page + count": each(lambda c: (sql(stored, [c, 0]), sql(stored_count, [c]))),
        "bare SQL, stored scores: page": each(lambda c: sql(stored, [c, 0])),
    }
    if skip_live:
        return out
    few = communities[:1]
    out["bare SQL, decayed sum from citations (per day)"] = statistics.median(
        timed(lambda c=c: sql(live, [c]), 1) for c in few)
    out["bare SQL, decayed sum from citations (per row)"] = statistics.median(
        timed(lambda c=c: sql(live_fast, [c]), 1) for c in few)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg-url", default=os.environ.get("TUISHOU_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres",
                        help="sqlite: the embedded mode, rows built in Python (a smaller default size)")
    parser.add_argument("--sqlite-dir", help="sqlite: keep the database file in this directory, and reuse it")
    parser.add_argument("--promoters", type=int, help="default 50,000 (sqlite: 2,000)")
    parser.add_argument("--materials", type=int, help="default 100,000 (sqlite: 5,000)")
    parser.add_argument("--citations", type=int, help="default 10,000,000 (sqlite: 200,000)")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--skip-live", action="store_true", help="skip the read-time decayed sums (minutes at 10M)")
    parser.add_argument("--reuse", action="store_true",
                        help="measure on the database a previous --keep run left (no migrate from scratch, no load)")
    args = parser.parse_args(argv)
    sqlite = args.db == "sqlite"
    for name, full, small in (("promoters", 50_000, 2_000), ("materials", 100_000, 5_000),
                              ("citations", 10_000_000, 200_000)):
        if getattr(args, name) is None:
            setattr(args, name, small if sqlite else full)
    if sqlite:
        args.keep, args.skip_live = True, True  # the file goes with its directory
    reuse = args.reuse and db_exists(args.pg_url, BENCH_DB)
    if args.reuse:
        args.keep = True
    if not reuse and not sqlite:
        db_recreate(args.pg_url, BENCH_DB)
    try:
        with tempfile.TemporaryDirectory() as workdir:
            workdir = args.sqlite_dir if sqlite and args.sqlite_dir else workdir
            if sqlite:
                Path(workdir).mkdir(parents=True, exist_ok=True)
                reuse = (Path(workdir) / "bench.sqlite3").exists()
            print(f"load average at the start: {os.getloadavg()}", flush=True)
            t = time.perf_counter()
            django_setup(args.pg_url, Path(workdir), sqlite=sqlite)
            print(f"migrated in {time.perf_counter() - t:.0f} s", flush=True)
            if reuse and sql("SELECT count(*) FROM community_materialscore")[0][0]:
                communities = [row[0] for row in sql("SELECT DISTINCT community_id FROM community_materialscore "
                                                     "ORDER BY 1")]
                print(f"reusing {workdir if sqlite else BENCH_DB}: {len(communities)} communities", flush=True)
            else:
                from bench.materials_sqlite import load_sqlite

                communities, took = (load_sqlite if sqlite else load)(
                    promoters=args.promoters, materials=args.materials, citations=args.citations)
                for step, seconds in took.items():
                    print(f"  load {step}: {seconds:.1f} s", flush=True)
            if not sqlite:  # (SQLite's scores are material_scores_refresh's own)
                print(f"stored scores vs material_scores_refresh: max relative difference {scores_check():.2e}",
                      flush=True)
            results = measure(communities, args.repeat, args.skip_live)
            n = sql("SELECT count(*) FROM community_citation")[0][0]
            m = sql("SELECT count(*) FROM community_material")[0][0]
            print(f"load average at the end: {os.getloadavg()}")
            print(f"\n{m:,} materials, {n:,} citations, {len(communities)} communities; median ms (goal ≤ {GOAL_MS})")
            floor = results["bare SQL, stored scores: page + count"]
            reads = results["bare SQL of the page's two reads (ranking join, 21 rows; images)"]
            print("| measured | median ms | × bare page + count | × bare SQL of the page's own reads |")
            for name, ms in results.items():
                print(f"| {name} | {ms:,.1f} | {ms / floor:.1f}× | {ms / reads:.1f}× |")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            db_recreate(args.pg_url, BENCH_DB, create=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
