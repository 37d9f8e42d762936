"""``tuishou plan check|payout|simulate``: the plan command line for operators and auditors.

``check`` prints a plan's compliance findings (exit 0: no error finding, 1: some, 2: the plan cannot
be read or is invalid). ``payout`` recomputes the payouts of an orders file over a network file and
prints them as JSON; bad input exits 2 with one line on standard error naming the offending record
and nothing on standard output. ``simulate`` lives in ``tuishou.incentives.simulation.cli``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from tuishou.incentives.engine.compliance import check_plan
from tuishou.incentives.engine.errors import InputError, PlanError
from tuishou.incentives.engine.orders import Member, Payout, order_payouts
from tuishou.incentives.engine.periods import period_payouts
from tuishou.incentives.engine.plan import PROFILES, Plan, load_plan

_AMOUNT_RE = re.compile(r"\d+(\.\d{1,2})?")
_PERIOD_RE = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def main(argv: list[str] | None = None) -> int:
    """Run ``tuishou plan …`` with `argv` (without the leading ``plan``); returns the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(prog="tuishou plan", description="Check, pay out and simulate incentive plans.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="{check,payout,simulate}")

    check = commands.add_parser("check", help="compliance findings of a plan (exit 1 on any error)")
    check.add_argument("plan", metavar="PLAN", help="plan file (YAML or JSON)")
    check.add_argument("--jurisdiction", choices=PROFILES, help="compliance profile (default: the plan's)")
    check.add_argument("--after-sales-days", type=_non_negative_int, default=7, metavar="N",
                       help="the platform's after-sales window in days (default 7)")
    check.add_argument("--format", choices=("text", "json"), default="text")

    payout = commands.add_parser("payout", help="recompute the payouts of an orders file as JSON")
    payout.add_argument("plan", metavar="PLAN", help="plan file (YAML or JSON)")
    payout.add_argument("--network", required=True, metavar="NETWORK.json")
    payout.add_argument("--orders", required=True, metavar="ORDERS.json")
    payout.add_argument("--period", type=_period, metavar="YYYY-MM",
                        help="also apply the period rules to the orders of this calendar month")

    run_simulation = None
    if argv[:1] == ["simulate"]:
        try:
            from tuishou.incentives.simulation.cli import add_arguments, run
        except ImportError as exc:
            _fail(f"simulate is not available: {exc}")
            return 2
        add_arguments(commands.add_parser("simulate", help="simulate a plan over a synthetic network"))
        run_simulation = run
    else:
        commands.add_parser("simulate", help="simulate a plan over a synthetic network", add_help=False)

    try:
        args = parser.parse_args(argv)
        if args.command == "check":
            return _check(args)
        if args.command == "payout":
            return _payout(args)
        return int(run_simulation(args))  # type: ignore[misc]
    except SystemExit as exc:  # argparse: usage errors exit 2, --help exits 0
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of days, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def _period(text: str) -> str:
    if not _PERIOD_RE.fullmatch(text):
        raise argparse.ArgumentTypeError(f"expected a calendar month like 2026-10, got {text!r}")
    return text


def _fail(message: str) -> None:
    print("tuishou plan: " + " ".join(message.split()), file=sys.stderr)


def _read_plan(path: str) -> Plan:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(None, f"cannot read {path}: {exc}") from exc
    try:
        return load_plan(text)
    except PlanError as exc:
        raise PlanError(exc.field, f"{exc.message} (in {path})") from exc


# --- check -----------------------------------------------------------------------------------------

def _check(args: argparse.Namespace) -> int:
    try:
        plan = _read_plan(args.plan)
        result = check_plan(plan, profile=args.jurisdiction, after_sales_days=args.after_sales_days)
    except PlanError as exc:
        _fail(f"invalid plan: {exc}")
        return 2
    if args.format == "json":
        print(json.dumps(result.to_json(plan.id), ensure_ascii=False, indent=2))
    else:
        for finding in result.findings:
            print(f"{finding.code} {finding.severity} {finding.rule or '-'}: {finding.message}")
    return 1 if result.errors else 0


# --- payout ----------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Order:
    id: str
    promoter: str
    self_purchase: bool
    base: Decimal
    at: datetime


def _payout(args: argparse.Namespace) -> int:
    try:
        plan = _read_plan(args.plan)
    except PlanError as exc:
        _fail(f"invalid plan: {exc}")
        return 2
    try:
        members, sponsors = _read_network(plan, args.network)
        orders = _read_orders(args.orders, members)
        payouts = _compute(plan, members, sponsors, orders, args.period)
    except InputError as exc:
        _fail(f"bad input: {exc}")
        return 2
    total = sum((p.amount for p in payouts), Decimal(0))
    by_promoter: dict[str, Decimal] = {}
    for p in payouts:
        by_promoter[p.promoter] = by_promoter.get(p.promoter, Decimal(0)) + p.amount
    document = {
        "plan": plan.id,
        "payouts": [_payout_json(p) for p in payouts],
        "by_promoter": {pid: _money(by_promoter[pid]) for pid in sorted(by_promoter)},
        "total": _money(total),
    }
    print(json.dumps(document, ensure_ascii=False, indent=2))
    return 0


def _compute(plan: Plan, members: Mapping[str, Member], sponsors: Mapping[str, str | None],
             orders: Sequence[_Order], period: str | None) -> list[Payout]:
    chains: dict[str, list[Member]] = {}
    payouts: list[Payout] = []
    for order in orders:
        chain = chains.get(order.promoter)
        if chain is None:
            chain = chains[order.promoter] = _chain(order.promoter, members, sponsors)
        payouts += order_payouts(plan, order_id=order.id, chain=chain, base=order.base,
                                 self_purchase=order.self_purchase)
    if period is not None:
        year, month = (int(part) for part in period.split("-"))
        volume: dict[str, Decimal] = {}
        self_volume: dict[str, Decimal] = {}
        for order in orders:
            # The month as written, in the timestamp's own offset.
            if (order.at.year, order.at.month) == (year, month):
                volume[order.promoter] = volume.get(order.promoter, Decimal(0)) + order.base
                if order.self_purchase:
                    self_volume[order.promoter] = self_volume.get(order.promoter, Decimal(0)) + order.base
        payouts += period_payouts(
            plan, period=period, sponsors=sponsors, ranks={pid: m.rank for pid, m in members.items()},
            personal_volume=volume, self_purchase_volume=self_volume,
        )
    return payouts


def _chain(promoter: str, members: Mapping[str, Member], sponsors: Mapping[str, str | None]) -> list[Member]:
    chain = []
    current: str | None = promoter
    while current is not None:
        chain.append(members[current])
        current = sponsors[current]
    return chain


def _money(amount: Decimal) -> str:
    return str(amount.quantize(Decimal("0.01")))


def _payout_json(payout: Payout) -> dict[str, Any]:
    if payout.order is not None:
        head: dict[str, Any] = {"order": payout.order}
    else:
        head = {"order": None, "period": payout.period}
    return {**head, "promoter": payout.promoter, "rule": payout.rule, "amount": _money(payout.amount)}


def _read_json(path: str, key: str) -> list[Any]:
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not valid JSON: {exc}") from exc
    if not isinstance(document, Mapping) or not isinstance(document.get(key), list):
        raise InputError(path, f'expected {{"{key}": [...]}}')
    return document[key]


def _record(path: str, key: str, index: int, item: Any) -> str:
    if isinstance(item, Mapping) and isinstance(item.get("id"), str):
        return f'{path} {key}[{index}] (id "{item["id"]}")'
    return f"{path} {key}[{index}]"


def _fields(item: Any, record: str, allowed: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(item, Mapping):
        raise InputError(record, "expected an object")
    for name in item:
        if name not in allowed:
            raise InputError(record, f"unknown field {name!r} (expected: {', '.join(allowed)})")
    if not isinstance(item.get("id"), str) or not item["id"]:
        raise InputError(record, f"id must be a non-empty string, got {item.get('id')!r}")
    return item


def _read_network(plan: Plan, path: str) -> tuple[dict[str, Member], dict[str, str | None]]:
    """Promoters by id and each one's sponsor; ranks and activity come from the file."""
    items = _read_json(path, "promoters")
    members: dict[str, Member] = {}
    sponsors: dict[str, str | None] = {}
    records: dict[str, str] = {}
    for index, item in enumerate(items):
        record = _record(path, "promoters", index, item)
        item = _fields(item, record, ("id", "sponsor", "rank", "active"))
        pid = item["id"]
        if pid in members:
            raise InputError(record, f'duplicate promoter id "{pid}" (also {records[pid]})')
        sponsor = item.get("sponsor")
        if sponsor is not None and not isinstance(sponsor, str):
            raise InputError(record, f"sponsor must be a promoter id or null, got {sponsor!r}")
        rank = item.get("rank")
        if rank is None:
            rank_index = 0
        elif isinstance(rank, str) and rank in plan.compiled.rank_index:
            rank_index = plan.compiled.rank_index[rank]
        else:
            raise InputError(record, f"unknown rank {rank!r} (ranks: {', '.join(plan.rank_ids)})")
        active = item.get("active", True)
        if not isinstance(active, bool):
            raise InputError(record, f"active must be true or false, got {active!r}")
        members[pid] = Member(pid, rank_index, active)
        sponsors[pid] = sponsor
        records[pid] = record
    for pid, sponsor in sponsors.items():
        if sponsor is not None and sponsor not in members:
            raise InputError(records[pid], f'unknown sponsor "{sponsor}"')
    _refuse_cycles(sponsors, records)
    return members, sponsors


def _refuse_cycles(sponsors: Mapping[str, str | None], records: Mapping[str, str]) -> None:
    done: set[str] = set()
    for start in sponsors:
        path: list[str] = []
        on_path: set[str] = set()
        current: str | None = start
        while current is not None and current not in done:
            if current in on_path:
                cycle = path[path.index(current):]
                raise InputError(records[current], "sponsor cycle: " + " → ".join([*cycle, current]))
            path.append(current)
            on_path.add(current)
            current = sponsors[current]
        done.update(path)


def _read_orders(path: str, members: Mapping[str, Member]) -> list[_Order]:
    items = _read_json(path, "orders")
    orders: list[_Order] = []
    seen: dict[str, str] = {}
    for index, item in enumerate(items):
        record = _record(path, "orders", index, item)
        item = _fields(item, record, ("id", "promoter", "self", "base", "at"))
        if item["id"] in seen:
            raise InputError(record, f'duplicate order id "{item["id"]}" (also {seen[item["id"]]})')
        seen[item["id"]] = record
        promoter = item.get("promoter")
        if not isinstance(promoter, str) or promoter not in members:
            raise InputError(record, f"unknown promoter {promoter!r}")
        self_purchase = item.get("self", False)
        if not isinstance(self_purchase, bool):
            raise InputError(record, f"self must be true or false, got {self_purchase!r}")
        base = item.get("base")
        whole = isinstance(base, int) and not isinstance(base, bool) and base >= 0
        if whole or (isinstance(base, str) and _AMOUNT_RE.fullmatch(base)):
            amount = Decimal(base)
        else:
            raise InputError(record, f'malformed amount base={base!r} (expected a string like "100.00")')
        at = item.get("at")
        try:
            moment = datetime.fromisoformat(at) if isinstance(at, str) else None
        except ValueError:
            moment = None
        if moment is None:
            raise InputError(record, f"malformed timestamp at={at!r} (expected ISO 8601 with an offset)")
        if moment.utcoffset() is None:
            raise InputError(record, f"at={at!r} has no offset (write e.g. 2026-10-03T10:00:00+08:00)")
        orders.append(_Order(item["id"], promoter, self_purchase, amount, moment))
    return orders
