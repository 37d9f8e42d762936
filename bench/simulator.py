"""Benchmark of the plan simulator: wall time and peak memory of whole simulations.

    python bench/simulator.py [--promoters 100000,1000000] [--months 12] [--plan PLAN] [--seed 1]

Each size runs in a fresh process (so that its peak RSS, from ``resource.getrusage``, is its own)
and does what ``tuishou plan simulate`` does: generate the network and orders, run the plan month
by month, build the JSON summary and render the HTML report. The default plan uses every per-order
rule, compression, caps, a team-volume bonus and a pool. Goals: 100,000 promoters × 12 months in
under 60 s; 1,000,000 promoters × 12 months in under 4 GiB.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

PLAN = {
    "id": "bench-everything",
    "jurisdiction": "us",
    "ranks": [
        {"id": "member"},
        {"id": "shopkeeper", "qualify": {"personal_volume": {"min": "100", "days": 30}}},
        {"id": "mentor", "qualify": {"all": [{"team_volume": {"min": "2000", "days": 30}},
                                             {"active_directs": {"min": 3, "days": 30}}]}},
        {"id": "partner", "qualify": {"all": [{"team_volume": {"min": "10000", "days": 90}},
                                              {"legs_at_rank": {"rank": "mentor", "min": 2}}]}},
    ],
    "compression": {"active_if": {"personal_orders": {"min": 1, "days": 30}}},
    "caps": {"per_order": "0.9"},
    "disclosure": True,
    "rules": [
        {"type": "direct", "rate": {"member": "0.20", "shopkeeper": "0.30", "mentor": "0.35", "partner": "0.40"}},
        {"type": "self_purchase", "rate": "0.05"},
        {"type": "tiers", "rates": ["0.05", "0.03"], "min_rank": "shopkeeper"},
        {"type": "differential", "rates": {"shopkeeper": "0.10", "mentor": "0.20", "partner": "0.30"},
         "include_seller": False},
        {"type": "peer", "rate": "0.05", "source": "base", "per_rank": 1, "min_rank": "mentor"},
        {"type": "team_volume", "schedule": [{"min": "0", "rate": "0.01"}, {"min": "10000", "rate": "0.03"}]},
        {"type": "pool", "share": "0.01", "min_rank": "partner", "split": "by_volume"},
    ],
}


def run_one(promoters: int, months: int, seed: int, plan_source: str | None) -> dict[str, object]:
    """One simulation in this process; returns its figures."""
    from tuishou.incentives.engine.plan import load_plan
    from tuishou.incentives.simulation.cli import _read_plan
    from tuishou.incentives.simulation.report import render_report
    from tuishou.incentives.simulation.runner import SimulationParams, build_world, run_plan
    from tuishou.incentives.simulation.summary import build_summary

    plan = _read_plan(plan_source) if plan_source else load_plan(PLAN)
    start = time.perf_counter()
    world = build_world(SimulationParams(promoters=promoters, months=months, seed=seed))
    generated = time.perf_counter()
    result = run_plan(plan, world)
    ran = time.perf_counter()
    summary = build_summary(result)
    html = render_report(summary)
    done = time.perf_counter()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "plan": plan.id, "promoters": promoters, "months": months, "orders": world.orders.size,
        "generate_s": generated - start, "run_s": ran - generated, "report_s": done - ran, "total_s": done - start,
        "peak_rss_mib": peak_kib / 1024, "payout_ratio": summary["payout_ratio"], "gini": summary["gini"],
        "report_kib": len(html.encode()) / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--promoters", default="100000,1000000", help="comma-separated sizes")
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--plan", help="plan file or template name (default: a plan using every rule type)")
    parser.add_argument("--single", type=int, help=argparse.SUPPRESS)  # internal: one size in this process
    args = parser.parse_args()
    if args.single:
        print(json.dumps(run_one(args.single, args.months, args.seed, args.plan)))
        return 0

    rows = []
    for size in (int(s) for s in args.promoters.split(",")):
        command = [sys.executable, __file__, "--single", str(size), "--months", str(args.months),
                   "--seed", str(args.seed)] + (["--plan", args.plan] if args.plan else [])
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"{'promoters':>10}{'months':>7}{'orders':>11}{'generate s':>12}{'run s':>8}{'report s':>10}"
          f"{'total s':>9}{'peak RSS MiB':>14}{'payout ratio':>14}{'Gini':>8}")
    for r in rows:
        print(f"{r['promoters']:>10,}{r['months']:>7}{r['orders']:>11,}{r['generate_s']:>12.2f}{r['run_s']:>8.2f}"
              f"{r['report_s']:>10.2f}{r['total_s']:>9.2f}{r['peak_rss_mib']:>14.0f}{r['payout_ratio']:>14}"
              f"{r['gini']:>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
