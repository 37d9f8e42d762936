"""``tuishou plan simulate``: run a plan over a synthetic network and write the report and summary.

```
tuishou plan simulate PLAN [--promoters N] [--months M] [--seed S] [--out report.html]
                           [--json summary.json] [--compare OTHER_PLAN]
```
PLAN is a plan file (YAML or JSON) or the name of a shipped template. ``--json -`` prints the
summary on standard output; without ``--json -`` a few key figures are printed instead. Exit 0 on
success, 2 when a plan cannot be read or is invalid or an option is bad.
"""

from __future__ import annotations

import argparse
import os
import sys

from tqdm import tqdm

from tuishou.incentives.engine.errors import PlanError
from tuishou.incentives.engine.plan import Plan, load_plan
from tuishou.incentives.engine.templates import list_templates, load_template
from tuishou.incentives.simulation.compare import simulate
from tuishou.incentives.simulation.report import render_report
from tuishou.incentives.simulation.runner import SimulationParams
from tuishou.incentives.simulation.summary import dumps

MAX_MONTHS = 120


def _positive(limit: int | None = None):  # type: ignore[no-untyped-def]
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < 1 or (limit is not None and value > limit):
            bound = f"between 1 and {limit}" if limit else "at least 1"
            raise argparse.ArgumentTypeError(f"must be {bound}, got {value}")
        return value

    return parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``simulate``'s arguments on its sub-parser."""
    parser.add_argument("plan", metavar="PLAN", help="plan file (YAML or JSON) or a template name")
    parser.add_argument("--promoters", type=_positive(), default=10_000, metavar="N",
                        help="promoters in the synthetic network at the end (default 10000)")
    parser.add_argument("--months", type=_positive(MAX_MONTHS), default=12, metavar="M",
                        help="months simulated (default 12)")
    parser.add_argument("--seed", type=int, default=1, metavar="S",
                        help="random seed: the same seed gives the same network, orders and figures (default 1)")
    parser.add_argument("--out", metavar="report.html", help="write the HTML report here")
    parser.add_argument("--json", metavar="summary.json", help="write the JSON summary here ('-': standard output)")
    parser.add_argument("--compare", metavar="OTHER_PLAN", help="a second plan run on the same network and orders")


def _read_plan(source: str) -> Plan:
    if not os.path.exists(source) and source in list_templates():
        return load_template(source)
    try:
        with open(source, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(None, f"cannot read {source}: {exc}") from exc
    try:
        return load_plan(text)
    except PlanError as exc:
        raise PlanError(exc.field, f"{exc.message} (in {source})") from exc


def run(args: argparse.Namespace) -> int:
    """Run the simulation described by ``args``; returns the exit code."""
    try:
        plan = _read_plan(args.plan)
        other = _read_plan(args.compare) if args.compare else None
    except PlanError as exc:
        print("tuishou plan: invalid plan: " + " ".join(str(exc).split()), file=sys.stderr)
        return 2
    params = SimulationParams(promoters=args.promoters, months=args.months, seed=args.seed)
    runs = 2 if other is not None else 1
    # disable=None: the bar shows on an interactive standard error only, never in logs or pipes.
    with tqdm(total=args.months * runs, desc="simulating", unit="month", file=sys.stderr, disable=None,
              leave=False) as bar:
        summary = simulate(plan, params, other=other, on_month=lambda _month: bar.update(1))
    try:
        if args.out:
            with open(args.out, "w", encoding="utf-8") as handle:
                handle.write(render_report(summary))
        if args.json and args.json != "-":
            with open(args.json, "w", encoding="utf-8") as handle:
                handle.write(dumps(summary))
    except OSError as exc:
        print(f"tuishou plan: cannot write: {exc}", file=sys.stderr)
        return 2
    if args.json == "-":
        sys.stdout.write(dumps(summary))
        return 0
    for figures in (summary, summary.get("compare")):
        if figures:
            print(f"{figures['plan']}: {figures['promoters']} promoters, {figures['months']} months, "
                  f"{figures['orders']} orders; paid {figures['payout_total']} on base {figures['base_total']} "
                  f"(ratio {figures['payout_ratio']}); Gini {figures['gini']}; "
                  f"zero earners {figures['zero_earner_share']}; "
                  f"{sum(1 for f in figures['findings'] if f['severity'] == 'error')} compliance error(s)")
    return 0
