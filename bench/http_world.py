"""What ``bench/orders_http.py`` and ``bench/http_floor.py`` share: the gunicorn shapes, the options of the world
and of wrk, and the small world both measure on."""

from __future__ import annotations

import os
from pathlib import Path


def shape_parse(shape: str) -> dict:
    """``sync:W`` or ``gthread:WxT``, with ``+pool``, ``+prep``, ``+fast``: ``orders_http.run``'s shape arguments."""
    kind, _, rest = shape.partition(":")
    workers, _, threads = rest.split("+")[0].partition("x")
    return {"workers": int(workers), "gunicorn_threads": int(threads or 0) if kind == "gthread" else 0,
            "pool": "+pool" in rest, "prepare": "+prep" in rest, "fast": "+fast" in rest}


def arguments_add(parser, *, promoters: int, consumers: int) -> None:
    """The options of the world and of wrk, the same in both benchmarks."""
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--promoters", type=int, default=promoters)
    parser.add_argument("--consumers", type=int, default=consumers, help="consumers with API tokens")
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"))


def world_make(args, workdir: Path):
    """The small world of ``args`` (``arguments_add``'s options) on the throwaway bench database, cloned from a
    template migrated once, built by ``bench/orders.py``'s builder (its consumers get API tokens)."""
    import argparse
    import random

    from bench import launch, orders

    launch.db_from_template(args.pg_url, workdir)  # migrated once, cloned after
    return orders.world_build(argparse.Namespace(
        promoters=args.promoters, seed=args.seed, merchants=4, skus=20, links=200, consumers=0,
        http_consumers=args.consumers, http_seconds=args.seconds), random.Random(args.seed))
