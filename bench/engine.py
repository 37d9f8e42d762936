"""Benchmark of the batch engine against bare loops on the same data.

    python bench/engine.py [--promoters 1000000] [--orders 1000000] [--months 36] [--seed 1] [--repeat 3]

A synthetic network (the simulator's generator, grown over ``--months`` so chains are that deep at
most) gets ranks drawn at random (80% member, 14% shopkeeper, 5% mentor, 1% partner); orders
credit uniformly random promoters with log-normal commission bases in 分. The plan combines
direct, tiers, differential and peer (below). Reported, each the best of ``--repeat`` runs:

* the engine: compile the plan, price every order (every recipient, every rule), add the payouts to
  a balance array — orders/s;
* a bare loop in pure Python: per order, walk three parents up the parent array and add fixed
  percentages (in integer minor units) to a balance array;
* the same bare loop vectorised with numpy (three levels, ``np.add.at``);

and the engine's speed as a ratio of each bare loop's. A last row prices the same orders on a
*deep* network (each promoter's sponsor joined on average ``--deep-gap`` sign-ups earlier, so chains
are hundreds deep): the worst case, where peer bonuses keep most orders walking to the root.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from tuishou.incentives.engine.batch import compile_batch, price_orders
from tuishou.incentives.engine.plan import load_plan
from tuishou.incentives.simulation.network import NetworkParams, generate_network

PLAN = {
    "id": "bench",
    "ranks": [{"id": "member"}, {"id": "shopkeeper"}, {"id": "mentor"}, {"id": "partner"}],
    "rules": [
        {"type": "direct", "rate": {"member": "0.20", "shopkeeper": "0.30", "mentor": "0.35", "partner": "0.40"}},
        {"type": "tiers", "rates": ["0.05", "0.03"], "min_rank": "shopkeeper"},
        {"type": "differential", "rates": {"shopkeeper": "0.10", "mentor": "0.20", "partner": "0.30"},
         "include_seller": False},
        {"type": "peer", "rate": "0.05", "source": "base", "per_rank": 1, "min_rank": "mentor"},
    ],
}
BARE_PERCENT = (10, 5, 3)  # the bare loop's fixed percentages for p0, p1, p2


def make_data(promoters: int, orders: int, months: int, seed: int) -> dict[str, np.ndarray]:
    """The network, ranks and orders every contestant runs on."""
    rng = np.random.default_rng(seed)
    network = generate_network(NetworkParams(promoters=promoters, months=months), rng)
    rank = rng.choice(4, size=promoters, p=[0.80, 0.14, 0.05, 0.01]).astype(np.int8)
    return {
        "parent": network.parent,
        "depth": network.depth,
        "rank": rank,
        "promoter": rng.integers(0, promoters, size=orders, dtype=np.int64),
        "base": np.maximum(np.floor(rng.lognormal(np.log(1500), 0.9, size=orders)), 1).astype(np.int64),
        "self": rng.random(orders) < 0.3,
    }


def deep_parents(promoters: int, gap: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A network where each sponsor joined ~``gap`` sign-ups earlier: depth grows like index / gap."""
    rng = np.random.default_rng(seed)
    index = np.arange(promoters, dtype=np.int64)
    parent = index - 1 - np.floor(rng.exponential(gap, size=promoters)).astype(np.int64)
    parent[parent < 0] = -1
    depth = [0] * promoters
    for child, sponsor in enumerate(parent.tolist()):  # sponsors precede their recruits
        if sponsor >= 0:
            depth[child] = depth[sponsor] + 1
    return parent, np.array(depth)


def run_engine(data: dict[str, np.ndarray], parent_key: str = "parent") -> tuple[np.ndarray, int]:
    plan = compile_batch(load_plan(PLAN))
    result = price_orders(plan, parent=data[parent_key], rank=data["rank"], promoter=data["promoter"],
                          base=data["base"], self_purchase=data["self"])
    balance = np.zeros(data["parent"].size, dtype=np.int64)
    np.add.at(balance, result.promoter, result.amount)
    return balance, int(result.amount.size)


def run_bare_python(data: dict[str, np.ndarray]) -> np.ndarray:
    parent = data["parent"].tolist()
    balance = [0] * len(parent)
    first, second, third = BARE_PERCENT
    for node, base in zip(data["promoter"].tolist(), data["base"].tolist(), strict=True):
        balance[node] += base * first // 100
        node = parent[node]
        if node >= 0:
            balance[node] += base * second // 100
            node = parent[node]
            if node >= 0:
                balance[node] += base * third // 100
    return np.array(balance, dtype=np.int64)


def run_bare_numpy(data: dict[str, np.ndarray]) -> np.ndarray:
    parent = data["parent"]
    balance = np.zeros(parent.size, dtype=np.int64)
    node, base = data["promoter"], data["base"]
    for percent in BARE_PERCENT:
        np.add.at(balance, node, base * percent // 100)
        up = parent[node]
        keep = up >= 0
        node, base = up[keep], base[keep]
    return balance


def best_of(repeat: int, func, *args):  # type: ignore[no-untyped-def]
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = func(*args)
        best = min(best, time.perf_counter() - start)
    return best, value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--promoters", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=36, help="network growth months (chain depth ≈ months)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--deep-gap", type=int, default=5_000, help="deep network: mean sign-ups between sponsor "
                        "and recruit (0: skip the deep row)")
    args = parser.parse_args()

    start = time.perf_counter()
    data = make_data(args.promoters, args.orders, args.months, args.seed)
    setup = time.perf_counter() - start
    if args.deep_gap:
        data["deep_parent"], data["deep_depth"] = deep_parents(args.promoters, args.deep_gap, args.seed)
    engine_s, (_, payouts) = best_of(args.repeat, run_engine, data)
    python_s, python_balance = best_of(1 if args.orders > 200_000 else args.repeat, run_bare_python, data)
    numpy_s, numpy_balance = best_of(args.repeat, run_bare_numpy, data)
    assert np.array_equal(python_balance, numpy_balance), "the two bare loops disagree"

    n = args.orders
    print(f"network: {args.promoters:,} promoters, depth ≤ {int(data['depth'].max())} "
          f"(mean {data['depth'].mean():.1f}), built in {setup:.1f} s; {n:,} orders; "
          f"engine payouts: {payouts:,} ({payouts / n:.2f} per order)")
    print(f"{'contestant':<34}{'seconds':>10}{'orders/s':>14}{'engine ÷ it':>14}")
    for name, seconds in (("batch engine (4 rules, full walk)", engine_s), ("bare loop, pure Python", python_s),
                          ("bare loop, numpy", numpy_s)):
        ratio = "" if name.startswith("batch") else f"{(n / engine_s) / (n / seconds):.2f}"
        print(f"{name:<34}{seconds:>10.3f}{n / seconds:>14,.0f}{ratio:>14}")
    if args.deep_gap:
        deep_s, (_, deep_payouts) = best_of(1, run_engine, data, "deep_parent")
        depth = data["deep_depth"]
        print(f"{'batch engine, deep network':<34}{deep_s:>10.3f}{n / deep_s:>14,.0f}{'':>14}"
              f"  (depth ≤ {int(depth.max())}, mean {depth.mean():.0f}; {deep_payouts / n:.2f} payouts per order)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
