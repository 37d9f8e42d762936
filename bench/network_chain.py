"""The sponsor chain's reads against recursive CTEs returning the same columns (``bench/network_tree.py``):
interleaved wall times, the client's CPU time and PostgreSQL's own time."""

from __future__ import annotations

import statistics
import time

# The full rows (issue 2's selector, dicts of 8 fields), and the engine's chain (id, rank, active), and ids.
CTE_UP = """
WITH RECURSIVE chain(id, sponsor_id, user_id, community_id, rank, active, depth, stage) AS (
    SELECT id, sponsor_id, user_id, community_id, rank, active, depth, stage FROM network_promoter WHERE id = %s
    UNION ALL
    SELECT p.id, p.sponsor_id, p.user_id, p.community_id, p.rank, p.active, p.depth, p.stage
    FROM network_promoter p JOIN chain c ON p.id = c.sponsor_id
) SELECT id, sponsor_id, user_id, community_id, rank, active, depth, stage FROM chain
"""
CTE_LINKS = """
WITH RECURSIVE chain(id, sponsor_id, rank, active) AS (
    SELECT id, sponsor_id, rank, active FROM network_promoter WHERE id = %s
    UNION ALL
    SELECT p.id, p.sponsor_id, p.rank, p.active FROM network_promoter p JOIN chain c ON p.id = c.sponsor_id
) SELECT id, rank, active FROM chain
"""
CTE_IDS = """
WITH RECURSIVE chain(id, sponsor_id) AS (
    SELECT id, sponsor_id FROM network_promoter WHERE id = %s
    UNION ALL
    SELECT p.id, p.sponsor_id FROM network_promoter p JOIN chain c ON p.id = c.sponsor_id
) SELECT id FROM chain
"""

def _paired(ours, baseline, repeat: int, cpu: dict | None = None) -> tuple[float, float, tuple]:
    """Median ms of ``ours`` and of ``baseline`` run alternately (one warm-up each; on a loaded machine both see
    the same moments), and their last results. For random promoters the baseline reads the promoter ``ours``
    just read. ``cpu``, when given, receives the medians of this process's CPU time (``ours``, ``baseline``):
    the client's work without the waits for a core."""
    results = (ours(), baseline())
    times: tuple[list[float], list[float]] = ([], [])
    cpus: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for k, fn in enumerate((ours, baseline)):
            start, start_cpu = time.perf_counter(), time.process_time()
            result = fn()
            times[k].append((time.perf_counter() - start) * 1000)
            cpus[k].append((time.process_time() - start_cpu) * 1000)
            results = (result, results[1]) if k == 0 else (results[0], result)
    if cpu is not None:
        cpu.update(ours=statistics.median(cpus[0]), baseline=statistics.median(cpus[1]))
    return statistics.median(times[0]), statistics.median(times[1]), results


def _server_ms(run, repeat: int) -> float:
    """PostgreSQL's own time for the statements ``run`` sends (planning + execution, ``EXPLAIN (ANALYZE, TIMING
    OFF)``), median over ``repeat``: the work on the server, without the round trips and the waits for a core."""
    from django.db import connection

    statements = []

    def capture(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        run()
    runs = []
    for _ in range(repeat):
        total = 0.0
        for sql, params in statements:
            for (line,) in _sql("EXPLAIN (ANALYZE, TIMING OFF) " + sql, params):
                if line.startswith(("Planning Time:", "Execution Time:")):
                    total += float(line.split(":")[1].split()[0])
        runs.append(total)
    return statistics.median(runs)


def _sql(sql: str, params):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def chain_measures(deepest: int, sample: list[int], repeat: int) -> dict:
    """Each chain read of the selectors against a recursive CTE returning the same columns, as tuples."""
    from tuishou.network import selectors
    from tuishou.network.models import Promoter

    deepest_path = bytes(Promoter.objects.filter(pk=deepest).values_list("path", flat=True).get())
    reads = {  # label: (ours from an id, baseline SQL from the same id)
        "ids": (selectors.ancestor_ids, CTE_IDS),
        "links": (selectors.chain_links, CTE_LINKS),
        "rows": (selectors.promoter_chain, CTE_UP),
    }
    out: dict = {}
    for name, (ours_fn, baseline) in reads.items():
        ids, current = iter(sample * 2), [0]

        def ours_next(ours_fn=ours_fn, ids=ids, current=current):
            current[0] = next(ids)
            return ours_fn(current[0])

        ours, base, _ = _paired(ours_next, lambda baseline=baseline, current=current: _sql(baseline, current),
                                repeat - 1)
        out[f"{name}_random"] = (ours, base)
        ours, base, (chain, base_rows) = _paired(lambda ours_fn=ours_fn: ours_fn(deepest),
                                                 lambda baseline=baseline: _sql(baseline, [deepest]), repeat)
        if name == "rows":
            chain = [tuple(row.values()) for row in chain]
        assert [tuple(row) if name != "ids" else row for row in chain] == \
            [row if name != "ids" else row[0] for row in base_rows], f"{name}: the chain differs from the baseline"
        out[f"{name}_deepest"] = (ours, base)
    # What commission booking calls when it holds the promoter's path (the paid handler): one query.
    cpu: dict = {}
    ours, base, (links, _) = _paired(lambda: selectors.chain_links_for_path(deepest_path),
                                     lambda: _sql(CTE_LINKS, [deepest]), repeat, cpu)
    out["links_deepest_path"] = (ours, base)
    out["links_deepest_path_cpu"] = (cpu["ours"], cpu["baseline"])
    from django.db import connection

    if connection.vendor == "postgresql":
        out["links_deepest_path_server"] = (_server_ms(lambda: selectors.chain_links_for_path(deepest_path), 30),
                                            _server_ms(lambda: _sql(CTE_LINKS, [deepest]), 30))
    out["deepest_levels"] = len(links)
    return out
