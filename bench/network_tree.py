"""Benchmark of the sponsor tree's stored paths against a recursive CTE over sponsor_id (run on demand).

    .venv/bin/python bench/network_tree.py --promoters 1000000 --db both

Builds a throwaway network (a temporary SQLite file; a ``tuishou_bench`` PostgreSQL database, dropped
and re-created) with the real migrations, writes the promoters straight into the real table with bulk
inserts / COPY in the treepath encoding — a preferential-attachment tree plus a few deep chains of
several hundred levels — then measures, through the selectors' own queries (values, not instances):

* the ancestors (commission chain) of random promoters and of the deepest one — goal: median ≤ 1 ms;
* member count and volume sum of a ~100,000-member subtree — goal: ≤ 50 ms on PostgreSQL, ≥ 10× faster
  than the baseline;
* moving a ~10,000-member subtree through ``sponsor_correct`` — goal: ≤ 2 s;

each against a recursive CTE over ``sponsor_id`` on the same data, and reports build time and storage.
Each database runs in a child process (Django binds one database per process); the parent prints the
table. PostgreSQL: ``--pg-url`` (default ``postgres://postgres@127.0.0.1:5432/postgres``, the server the
bench database is created on).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.network_chain import _sql, chain_measures  # noqa: E402

BENCH_DB = os.environ.get("BENCH_DB", "tuishou_bench")


# --- the synthetic network (pure Python) ---------------------------------------------------------

def generate(n: int, *, chains: int, chain_length: int, seed: int):
    """Parents (index, -1 for the root) of ``n`` promoters: preferential attachment plus deep chains."""
    rng = random.Random(seed)
    chain_total = chains * chain_length
    body = max(n - chain_total, 1)
    parent = [-1]
    # Each promoter appears once, plus once per recruit: picking uniformly from this list attaches a
    # newcomer to a sponsor with probability proportional to (recruits + 1).
    urn = [0]
    for i in range(1, body):
        sponsor = urn[rng.randrange(len(urn))]
        parent.append(sponsor)
        urn.append(sponsor)
        urn.append(i)
    for _ in range(chains):
        sponsor = rng.randrange(body)
        for _ in range(chain_length):
            parent.append(sponsor)
            sponsor = len(parent) - 1
    return parent


def encode(parent: list[int]):
    """Paths, depths and next-child counters of every promoter, in the treepath encoding."""
    from tuishou.network.treepath import encode_segment

    n = len(parent)
    paths: list[bytes] = [b""] * n
    depth = [0] * n
    children = [0] * n
    root_ordinal = 0
    for i, p in enumerate(parent):
        if p < 0:
            paths[i] = encode_segment(root_ordinal)
            root_ordinal += 1
        else:
            paths[i] = paths[p] + encode_segment(children[p])
            depth[i] = depth[p] + 1
            children[p] += 1
    return paths, depth, children, root_ordinal


def subtree_sizes(parent: list[int]) -> list[int]:
    size = [1] * len(parent)
    for i in range(len(parent) - 1, 0, -1):  # children come after their parents
        if parent[i] >= 0:
            size[parent[i]] += size[i]
    return size


# --- one database (child process) ----------------------------------------------------------------

def _setup_django(db: str, workdir: Path, pg_url: str, *, reuse: bool = False) -> None:
    os.environ["TUISHOU_DATA_DIR"] = str(workdir)
    os.environ["DEBUG"] = "0"  # no query log
    os.environ["TUISHOU_ALLOW_SANDBOX"] = "1"  # the benchmarks pay through the sandboxes
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tuishou.settings"
    if db == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        import psycopg

        with psycopg.connect(pg_url, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
            if not (reuse and exists):
                conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
                conn.execute(f"CREATE DATABASE {BENCH_DB}")
        os.environ["DATABASE_URL"] = pg_url.rsplit("/", 1)[0] + "/" + BENCH_DB
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "network", verbosity=0, skip_checks=True)
    call_command("migrate", "risk", verbosity=0, skip_checks=True)


def _bulk_load(parent, paths, depth, children, root_ordinals, volumes) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from tuishou.accounts.models import User
    from tuishou.network.models import Community, NetworkPolicy, Promoter

    now = timezone.now()
    community = Community.objects.create(kind="official", name="官方社群", code="OFFICIAL")
    NetworkPolicy.objects.create(pk=1, next_root_ordinal=root_ordinals)
    n = len(parent)
    user_cols = ["id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
                 "is_active", "date_joined", "display_name"]
    promoter_cols = ["id", "user_id", "community_id", "sponsor_id", "path", "depth", "next_child_ordinal",
                     "invite_code", "invite_code_active", "stage", "joined_via", "switch_count", "paid_sales_count",
                     "personal_volume", "rank", "created_at"]

    # Columns other apps add later get their model default, so the bench keeps up with the schema.
    user_extra = _defaults(User, user_cols)
    promoter_extra = _defaults(Promoter, promoter_cols)
    user_cols += list(user_extra)
    promoter_cols += list(promoter_extra)

    def users():
        extra = tuple(user_extra.values())
        for i in range(n):
            yield (i + 1, "!", False, f"bench{i}", "", "", "", False, True, now, "", *extra)

    def promoters():
        extra = tuple(promoter_extra.values())
        for i in range(n):
            p = parent[i]
            yield (i + 1, i + 1, community.pk, None if p < 0 else p + 1, paths[i], depth[i], children[i],
                   f"B{i:07d}", True, "ordinary", "root" if p < 0 else "invite", 0, 0, volumes[i], "", now, *extra)

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY accounts_user ({', '.join(user_cols)}) FROM STDIN") as copy:
                for row in users():
                    copy.write_row(row)
            with raw.copy(f"COPY network_promoter ({', '.join(promoter_cols)}) FROM STDIN") as copy:
                for row in promoters():
                    copy.write_row(row)
            cursor.execute("SELECT setval('accounts_user_id_seq', %s)", [n + 1])
            cursor.execute("SELECT setval('network_promoter_id_seq', %s)", [n + 1])
        else:
            cursor.executemany(f"INSERT INTO accounts_user ({', '.join(user_cols)}) VALUES "
                               f"({', '.join(['%s'] * len(user_cols))})", users())
            cursor.executemany(f"INSERT INTO network_promoter ({', '.join(promoter_cols)}) VALUES "
                               f"({', '.join(['%s'] * len(promoter_cols))})", promoters())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE network_promoter")  # the visibility map enables index-only scans
            cursor.execute("VACUUM ANALYZE accounts_user")
        else:
            cursor.execute("ANALYZE")


def _defaults(model, given: list[str]) -> dict:
    """Database values of the model's defaults for the concrete columns ``given`` does not name."""
    from django.db import connection

    return {f.column: f.get_db_prep_save(f.get_default(), connection)
            for f in model._meta.concrete_fields if f.column not in given}


CTE_DOWN = """
WITH RECURSIVE team(id, volume) AS (
    SELECT id, personal_volume FROM network_promoter WHERE id = %s
    UNION ALL
    SELECT p.id, p.personal_volume FROM network_promoter p JOIN team t ON p.sponsor_id = t.id
) SELECT COUNT(*), SUM(volume) FROM team
"""


def _timed(fn, repeat: int) -> tuple[float, object]:
    """Median wall time in ms over ``repeat`` runs (after one warm-up) and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def _storage() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_relation_size('network_promoter'), pg_indexes_size('network_promoter'), "
                           "pg_total_relation_size('network_promoter')")
            table, indexes, total = cursor.fetchone()
            return {"table_mb": table / 2**20, "indexes_mb": indexes / 2**20, "total_mb": total / 2**20}
        try:
            cursor.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
            sizes = dict(cursor.fetchall())
        except Exception:  # SQLite built without dbstat: report the file
            return {"file_mb": Path(connection.settings_dict["NAME"]).stat().st_size / 2**20}
        cursor.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'network_promoter' AND type = 'index'")
        index_names = [r[0] for r in cursor.fetchall()]
        return {"table_mb": sizes.get("network_promoter", 0) / 2**20,
                "indexes_mb": sum(sizes.get(name, 0) for name in index_names) / 2**20,
                "file_mb": Path(connection.settings_dict["NAME"]).stat().st_size / 2**20}


def run_one(db: str, args) -> dict:
    workdir = Path(args.reuse) if args.reuse else Path(tempfile.mkdtemp(prefix="tuishou-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    _setup_django(db, workdir, args.pg_url, reuse=bool(args.reuse))
    from django.db import connection

    from tuishou.accounts.models import User
    from tuishou.network import selectors, services
    from tuishou.network.models import Promoter

    rng = random.Random(args.seed + 1)
    reused = Promoter.objects.exists()
    if reused:  # a previous --reuse run's tree: the chains only (the subtree figures need the generated tree)
        if connection.vendor == "postgresql":  # a migration may have added an index: index-only scans need the map
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE network_promoter")
        n = Promoter.objects.count()
        deepest, max_depth = Promoter.objects.order_by("-depth", "id").values_list("id", "depth").first()
        out: dict = {"db": db, "promoters": n, "reused": str(workdir), "max_depth": max_depth,
                     "storage": _storage()}
        with connection.cursor() as cursor:
            cursor.execute("SELECT max(length(path)), avg(length(path)) FROM network_promoter")
            out["max_path_bytes"], mean = cursor.fetchone()
            out["mean_path_bytes"] = float(mean)
        out.update(chain_measures(deepest, [rng.randrange(1, n + 1) for _ in range(args.repeat)], args.repeat))
        connection.close()
        return out
    t0 = time.perf_counter()
    parent = generate(args.promoters, chains=args.chains, chain_length=args.chain_length, seed=args.seed)
    paths, depth, children, roots = encode(parent)
    volumes = [rng.randrange(0, 100_000) for _ in parent]  # minor units (分)
    t1 = time.perf_counter()
    _bulk_load(parent, paths, depth, children, roots, volumes)
    t2 = time.perf_counter()
    n = len(parent)
    sizes = subtree_sizes(parent)
    out = {"db": db, "promoters": n, "generate_s": t1 - t0, "load_s": t2 - t1,
           "max_depth": max(depth), "max_path_bytes": max(len(p) for p in paths),
           "mean_path_bytes": sum(len(p) for p in paths) / n, "storage": _storage()}

    # Ancestors: random promoters, and the deepest one.
    deepest = max(range(n), key=depth.__getitem__) + 1
    out.update(chain_measures(deepest, [rng.randrange(1, n + 1) for _ in range(args.repeat)], args.repeat))

    # Subtree of about 100,000 members: count and volume sum.
    big = min(range(1, n), key=lambda i: abs(sizes[i] - args.subtree))
    big_path = bytes(Promoter.objects.filter(pk=big + 1).values_list("path", flat=True).get())
    ours, stats = _timed(lambda: selectors.subtree_stats_for_path(big_path), args.slow_repeat)
    base, base_stats = _timed(lambda: _sql(CTE_DOWN, [big + 1]), args.slow_repeat)
    assert stats[0] == base_stats[0][0] == sizes[big], "subtree count differs from the baseline"
    out["subtree"] = (ours, base)
    out["subtree_members"] = stats[0]

    # Move a subtree of about 10,000 members through the service (locks, one UPDATE, audit), back and forth.
    mover = min(range(1, n), key=lambda i: abs(sizes[i] - args.move_subtree))
    mover_path = paths[mover]
    targets = [i for i in range(1, 2000) if not paths[i].startswith(mover_path) and i != parent[mover]][:2]
    ops = User.objects.create(username="bench_ops", is_superuser=True, is_staff=True)
    times = []
    for k in range(4):
        promoter = Promoter.objects.get(pk=mover + 1)
        target = Promoter.objects.get(pk=targets[k % 2] + 1)
        start = time.perf_counter()
        services.sponsor_correct(actor=ops, promoter=promoter, new_sponsor=target, reason="bench")
        times.append((time.perf_counter() - start) * 1000)
    out["move"] = statistics.median(times)
    out["move_members"] = sizes[mover]
    connection.close()
    if not args.reuse:
        shutil.rmtree(workdir, ignore_errors=True)
    return out


# --- parent: run each database in a child and print the table ------------------------------------

def _row(label: str, ours: float, base: float | None, goal: str) -> str:
    ratio = f"{base / ours:8.2f}×" if base else "        -"
    base_s = f"{base:10.3f}" if base is not None else "         -"
    return f"  {label:<58}{ours:10.3f}{base_s}{ratio}   {goal}"


def report(result: dict) -> str:
    s = result["storage"]
    levels = result["deepest_levels"]
    lines = [
        f"== {result['db']}: {result['promoters']:,} promoters, deepest level {result['max_depth']}, "
        f"path bytes max {result['max_path_bytes']} / mean {result['mean_path_bytes']:.1f}",
        (f"  build: generate {result['generate_s']:.1f} s, load + index + analyze {result['load_s']:.1f} s"
         if "load_s" in result else f"  reused the tree in {result['reused']}"),
        "  storage: " + ", ".join(f"{k} {v:.1f}" for k, v in s.items()),
        f"  {'median ms (ours from the id; the CTE from the id, same columns)':<58}{'paths':>10}{'CTE':>10}"
        f"{'CTE÷ours':>9}   goal",
        _row("ancestor ids, random promoter", *result["ids_random"], "≤ 1 ms"),
        _row(f"ancestor ids, deepest ({levels} levels)", *result["ids_deepest"], "≤ 1 ms"),
        _row("engine chain (id, rank, active), random promoter", *result["links_random"], "≤ 1 ms"),
        _row(f"engine chain (id, rank, active), deepest ({levels} levels)", *result["links_deepest"], "≤ 1 ms"),
        _row("  the same from the path held (paid handler: one query)", *result["links_deepest_path"], "≤ 1 ms"),
        _row("    its client CPU time (this process, no waits)", *result["links_deepest_path_cpu"], ""),
        *([_row("    its server time (EXPLAIN ANALYZE: planning + execution)", *result["links_deepest_path_server"],
                "")] if "links_deepest_path_server" in result else []),
        _row("full rows (8 fields as dicts), random promoter", *result["rows_random"], ""),
        _row(f"full rows (8 fields as dicts), deepest ({levels} levels)", *result["rows_deepest"], ""),
    ]
    if "subtree" in result:
        lines += [
            _row(f"count + sum of a {result['subtree_members']:,}-member subtree", *result["subtree"],
                 "≤ 50 ms (PostgreSQL), ≥ 10× CTE"),
            _row(f"move a {result['move_members']:,}-member subtree", result["move"], None, "≤ 2000 ms"),
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--promoters", type=int, default=1_000_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--chains", type=int, default=3, help="deep chains to add")
    parser.add_argument("--chain-length", type=int, default=600)
    parser.add_argument("--subtree", type=int, default=100_000, help="size of the subtree to count and sum")
    parser.add_argument("--move-subtree", type=int, default=10_000, help="size of the subtree to move")
    parser.add_argument("--repeat", type=int, default=200, help="runs of the fast queries")
    parser.add_argument("--slow-repeat", type=int, default=7, help="runs of the subtree aggregates")
    parser.add_argument("--seed", type=int, default=20250301)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--reuse", metavar="DIR", help="keep the SQLite tree in DIR and the PostgreSQL database "
                        "after the run, and reuse them when present (then only the chains are measured)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_one(args.db, args)))
        return 0
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}", flush=True)
    status = 0
    for db in dbs:
        child_args = [a for a in (argv if argv is not None else sys.argv[1:])]
        cmd = [sys.executable, __file__, *child_args, "--db", db, "--child"]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if proc.returncode != 0:
            print(f"== {db}: failed\n{proc.stderr[-3000:]}", flush=True)
            status = 1
            continue
        print(report(json.loads(proc.stdout.strip().splitlines()[-1])), flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
