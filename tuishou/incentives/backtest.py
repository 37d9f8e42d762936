"""Backtest (回测): a draft plan re-prices a community's real orders of a past window, beside what was paid.

The orders are the community's orders paid in the window, each priced by the draft's per-order rules with the
batch engine on what the order snapshotted when it was paid: its chain (p0 first, with each promoter's rank
and activity then) and its base after refunds (B, or the paid amount under ``base: paid``). A rank the draft
does not define counts as its lowest, as everywhere else. What was actually paid is the ledger's commission
lines of the same orders (accrued less cancelled and clawed back), whatever version was in force for each.

Period rules (team volume, pools) are settled per month on a whole community's volume, not per order: they
are named in the report and left out of both sides, so the two columns compare like with like.

The report holds the figures the page draws: base, payouts and payout ratio; by rule; by the recipient's rank
at payment; Gini and the share of zero earners over the community's promoters who had joined by the window's
end; an earnings distribution; the promoters who would gain and lose most (names masked).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import numpy as np
from django.db.models import Sum
from django.utils import timezone

from tuishou.core.errors import InvalidInput
from tuishou.incentives.engine import Plan
from tuishou.incentives.engine.batch import compile_batch, compressed_parents, price_orders
from tuishou.incentives.engine.rules import PeriodRule
from tuishou.incentives.errors import IncentiveError
from tuishou.incentives.models import PlanVersion
from tuishou.incentives.selectors import engine_plan
from tuishou.incentives.simulation import stats
from tuishou.ledger.models import Account, JournalLine
from tuishou.network.models import Promoter
from tuishou.orders.models import Order

DEFAULT_MONTHS = 3
MAX_DAYS = 400
CHUNK = 5000
MOVERS = 5
BANDS = (0, 1, 1_000, 10_000, 100_000, 1_000_000)  # earnings bands in 分: 0, <10, <100, <1 000, <10 000, more
PROMOTER_KINDS = (Account.Kind.PROMOTER_PENDING, Account.Kind.PROMOTER_AVAILABLE)

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Window:
    """Days ``first`` to ``last`` inclusive, as the half-open instants [start, end) in the platform's zone."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, time.min))

    @property
    def end(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.last + timedelta(days=1), time.min))

    def as_params(self) -> dict:
        return {"start": self.first.isoformat(), "end": self.last.isoformat()}


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day where it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def backtest_window(*, first: date | None = None, last: date | None = None, today: date | None = None) -> Window:
    """The window asked for: by default the last three months up to today. ``incentives.backtest_window``
    (field ``start``) when it ends before it starts, ends after today or spans more than ``MAX_DAYS``."""
    today = today or timezone.localdate()
    last = last or today
    first = first or months_before(last, DEFAULT_MONTHS) + timedelta(days=1)
    if first > last or last > today or (last - first).days >= MAX_DAYS:
        raise InvalidInput(IncentiveError.BACKTEST_WINDOW, max_days=MAX_DAYS, details={"field": "start"})
    return Window(first=first, last=last)


class _Chains:
    """The orders' snapshotted chains as one forest: a node per (sponsor node, promoter, rank, activity), so that
    chains sharing their upper part share nodes and the batch engine walks them as one network."""

    def __init__(self, rank_index: dict[str, int]) -> None:
        self.rank_index = rank_index
        self.index: dict[tuple, int] = {}
        self.parent: list[int] = []
        self.promoter: list[int] = []
        self.rank: list[str] = []
        self.active: list[bool] = []

    def add(self, chain: list[dict]) -> int:
        """The node of the chain's p0 (``chain``: p0 first, up to the root)."""
        node = -1
        for link in reversed(chain):
            key = (node, int(link["promoter_id"]), link.get("rank") or "", bool(link.get("active", True)))
            found = self.index.get(key)
            if found is None:
                found = self.index[key] = len(self.parent)
                self.parent.append(node)
                self.promoter.append(key[1])
                self.rank.append(key[2])
                self.active.append(key[3])
            node = found
        return node

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        ranks = np.array([self.rank_index.get(r, 0) for r in self.rank], dtype=np.int64)
        return (np.array(self.parent, dtype=np.int64), ranks, np.array(self.active, dtype=bool))


@dataclass
class _Side:
    """What one side paid (minor units): by recipient, by rule, by the recipient's rank at payment."""

    base: int = 0
    by_promoter: dict[int, int] | None = None
    by_rule: dict[str, int] | None = None
    by_rank: dict[str, int] | None = None

    def __post_init__(self) -> None:
        self.by_promoter, self.by_rule, self.by_rank = defaultdict(int), defaultdict(int), defaultdict(int)

    def add(self, promoter_id: int, rule: str, rank: str, amount: int) -> None:
        self.by_promoter[promoter_id] += amount
        self.by_rule[rule] += amount
        self.by_rank[rank] += amount

    @property
    def total(self) -> int:
        return sum(self.by_rule.values())


def _minor(amount: Decimal) -> int:
    return int(amount * 100)


def backtest_run(*, version: PlanVersion, window: Window, on_progress: Progress | None = None) -> dict:
    """Re-price the community's orders of ``window`` under ``version`` (a draft, usually) beside what the ledger
    paid for them; the report's dictionary (amounts as two-place strings). Reads only."""
    progress = on_progress or (lambda percent: None)
    plan = engine_plan(version)
    orders = list(Order.objects.filter(community_id=version.community_id, paid_at__gte=window.start,
                                       paid_at__lt=window.end, promoter__isnull=False, chain__isnull=False)
                  .order_by("pk")
                  .values_list("number", "chain", "self_purchase", "commission_base_remaining", "total",
                               "refunded_amount", "plan_version_id"))
    progress(10)
    ranks_at_payment: dict[str, dict[int, str]] = {}
    draft, actual = _Side(), _Side()
    chains = _Chains(plan.compiled.rank_index)
    p0, base, self_purchase = [], [], []
    actual_paid_base = _actual_base_rule()
    for number, chain, own, remaining, total, refunded, version_id in orders:
        ranks_at_payment[number] = {int(link["promoter_id"]): link.get("rank") or "" for link in chain}
        b = _minor(total - refunded if plan.base == "paid" else remaining)
        draft.base += b
        actual.base += _minor(total - refunded if actual_paid_base(version_id) else remaining)
        p0.append(chains.add(chain))
        base.append(b)
        self_purchase.append(bool(own))
    _price_draft(plan, chains, np.array(p0, dtype=np.int64), np.array(base, dtype=np.int64),
                 np.array(self_purchase, dtype=bool), draft, progress)
    _read_actual(version, window, ranks_at_payment, actual)
    progress(90)
    report = _report(plan, version, window, orders=len(orders), refunded=sum(1 for b in base if b == 0),
                     draft=draft, actual=actual)
    progress(100)
    return report


def _actual_base_rule() -> Callable[[int | None], bool]:
    """version id → whether its plan priced on the paid amount (read once per version)."""
    seen: dict[int | None, bool] = {}

    def paid_based(version_id: int | None) -> bool:
        if version_id not in seen:
            row = PlanVersion.objects.filter(pk=version_id).first() if version_id else None
            seen[version_id] = row is not None and engine_plan(row).base == "paid"
        return seen[version_id]

    return paid_based


def _price_draft(plan: Plan, chains: _Chains, p0: np.ndarray, base: np.ndarray, own: np.ndarray, draft: _Side,
                 progress: Progress) -> None:
    batch = compile_batch(plan)
    parent, rank, active = chains.arrays()
    next_up = compressed_parents(parent, active) if batch.compression else parent
    paying = np.flatnonzero(base > 0)
    for label in batch.labels:  # every per-order rule has its row, paid or not
        draft.by_rule[label] += 0
    for start in range(0, paying.size, CHUNK):
        part = paying[start:start + CHUNK]
        priced = price_orders(batch, parent=parent, rank=rank, promoter=p0[part], base=base[part],
                              self_purchase=own[part], next_up=next_up)
        for node, rule, amount in zip(priced.promoter.tolist(), priced.rule.tolist(), priced.amount.tolist(),
                                      strict=True):
            draft.add(chains.promoter[node], batch.labels[rule], chains.rank[node], int(amount))
        progress(10 + 60 * min(start + CHUNK, paying.size) // max(paying.size, 1))


def _read_actual(version: PlanVersion, window: Window, ranks: dict[str, dict[int, str]], actual: _Side) -> None:
    """The ledger's commission lines of the window's orders: credits to a promoter are negative."""
    numbers = Order.objects.filter(community_id=version.community_id, paid_at__gte=window.start,
                                   paid_at__lt=window.end, promoter__isnull=False, chain__isnull=False
                                   ).values("number")
    rows = (JournalLine.objects.filter(order_ref__in=numbers, account__kind__in=PROMOTER_KINDS)
            .values_list("order_ref", "account__promoter_id", "rule").annotate(amount=Sum("amount"))
            .order_by())
    for number, promoter_id, rule, amount in rows:
        if amount:
            actual.add(promoter_id, rule, ranks.get(number, {}).get(promoter_id, ""), -_minor(amount))


def _side_figures(side: _Side, earnings: np.ndarray) -> dict:
    return {"base_total": stats.money_str(side.base), "payout_total": stats.money_str(side.total),
            "payout_ratio": stats.ratio_str(side.total, side.base), "gini": stats.gini(earnings),
            "zero_earner_share": stats.zero_earner_share(earnings),
            "earners": int(np.count_nonzero(earnings)),
            "distribution": _bands(earnings)}


def _bands(earnings: np.ndarray) -> list[int]:
    """How many promoters earned in each band of ``BANDS`` (the last band is open)."""
    edges = np.array(BANDS[1:], dtype=np.int64)
    return np.bincount(np.searchsorted(edges, earnings, side="right"), minlength=len(BANDS)).tolist()


def _report(plan: Plan, version: PlanVersion, window: Window, *, orders: int, refunded: int, draft: _Side,
            actual: _Side) -> dict:
    population = list(Promoter.objects.filter(community_id=version.community_id, created_at__lt=window.end)
                      .values_list("pk", flat=True).order_by("pk"))
    ids = sorted(set(population) | set(draft.by_promoter) | set(actual.by_promoter))
    position = {pk: i for i, pk in enumerate(ids)}
    earned = {}
    for name, side in (("draft", draft), ("actual", actual)):
        values = np.zeros(len(ids), dtype=np.int64)
        for pk, amount in side.by_promoter.items():
            values[position[pk]] = amount
        earned[name] = values
    rank_names = {rank.id: rank.name for rank in plan.ranks}
    return {
        "plan": plan.id, "version_id": version.pk, "window": window.as_params(), "orders": orders,
        "refunded_orders": refunded, "promoters": len(ids),
        "draft": _side_figures(draft, earned["draft"]), "actual": _side_figures(actual, earned["actual"]),
        "by_rule": [{"rule": rule, "draft": stats.money_str(draft.by_rule.get(rule, 0)),
                     "actual": stats.money_str(actual.by_rule.get(rule, 0))}
                    for rule in _ordered(draft.by_rule, actual.by_rule)],
        "by_rank": [{"rank": rank or "-", "name": rank_names.get(rank, rank or "-"),
                     "draft": stats.money_str(draft.by_rank.get(rank, 0)),
                     "actual": stats.money_str(actual.by_rank.get(rank, 0))}
                    for rank in _ordered(draft.by_rank, actual.by_rank)],
        "bands": [stats.money_str(edge) for edge in BANDS],
        "period_rules": [rule.label for rule in plan.rules if isinstance(rule, PeriodRule)],
        **_movers(ids, earned["draft"] - earned["actual"], earned),
    }


def _ordered(*sides: dict) -> list[str]:
    """Keys of the sides, the first side's order first (the draft's rules in plan order), then the others'."""
    keys: list[str] = []
    for side in sides:
        keys.extend(k for k in side if k not in keys)
    return keys


def _movers(ids: list[int], change: np.ndarray, earned: dict[str, np.ndarray]) -> dict:
    order = np.argsort(change, kind="stable")
    losers = [i for i in order[:MOVERS].tolist() if change[i] < 0]
    gainers = [i for i in order[::-1][:MOVERS].tolist() if change[i] > 0]
    people = {row["pk"]: row for row in Promoter.objects.filter(pk__in=[ids[i] for i in gainers + losers])
              .values("pk", "rank", "user__display_name", "user__phone")}

    def row(i: int) -> dict:
        person = people[ids[i]]
        return {"promoter_id": ids[i], "name": masked_name(person["user__display_name"], person["user__phone"]),
                "rank": person["rank"], "draft": stats.money_str(int(earned["draft"][i])),
                "actual": stats.money_str(int(earned["actual"][i])), "change": stats.money_str(int(change[i]))}

    return {"gainers": [row(i) for i in gainers], "losers": [row(i) for i in losers]}


def masked_name(display_name: str, phone: str | None) -> str:
    """A promoter as an agency's report shows them: the name's first character (张*), else 138****0004."""
    if display_name:
        return f"{display_name[0]}*"
    if phone and len(phone) >= 7:
        return f"{phone[:3]}****{phone[-4:]}"
    return "—"
