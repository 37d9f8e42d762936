"""The incentive plan (利益机制) as frozen data: loading, validation and export.

A plan is a YAML or JSON document (see ``spec/incentive-plans.md``). `load_plan` validates it and
returns a `Plan`; every error names the field (``rules[2].rates.partner``) and the problem.
`dump_plan` gives back a mapping that `load_plan` reads into an equal `Plan`.

Rates and amounts are `Decimal`; they must be written as strings (or whole numbers) because a
float cannot hold money exactly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

import yaml

from tuishou.incentives.engine.errors import PlanError

PROFILES = ("cn-strict", "cn", "us", "eu")
# Currencies whose minor unit is 0.01; the engine rounds to two decimals.
CURRENCIES = ("CNY", "HKD", "USD", "EUR", "GBP")
VOLUME_METRICS = ("personal_volume", "team_volume", "personal_orders")
COUNT_METRICS = ("personal_orders", "direct_promoters", "active_directs", "legs_at_rank")
METRICS = ("personal_volume", "team_volume", "personal_orders", "direct_promoters", "active_directs",
           "legs_at_rank", "bought")
BINDING_MODES = ("first_click", "last_click", "registration")
SETTLEMENT_AFTER = ("received", "completed")

_DECIMAL_RE = re.compile(r"-?\d+(\.\d+)?")


# --- qualification tests ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class MetricTest:
    """One metric over a trailing window: value(metric, params) >= min (``bought``: >= amount)."""

    metric: str
    min: Decimal | None = None
    days: int | None = None
    count_self: bool | None = None  # volume metrics only; None elsewhere
    rank: str | None = None  # legs_at_rank only
    amount: Decimal | None = None  # bought only

    def params(self) -> dict[str, Any]:
        """The parameters handed to the platform's metric lookup."""
        params: dict[str, Any] = {"days": self.days}
        if self.count_self is not None:
            params["count_self"] = self.count_self
        if self.rank is not None:
            params["rank"] = self.rank
        return params

    @property
    def threshold(self) -> Decimal:
        """The value the metric must reach."""
        return self.amount if self.metric == "bought" else self.min  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class AllOf:
    """Every test must pass."""

    tests: tuple[Test, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one test must pass."""

    tests: tuple[Test, ...]


Test = MetricTest | AllOf | AnyOf


# --- plan parts ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Rank:
    """A rank (等级). `qualify` None: the lowest rank, or a rank assigned only by an operator."""

    id: str
    name: str
    qualify: Test | None = None


@dataclass(frozen=True, slots=True)
class Compression:
    """Compression (缩层): inactive promoters are skipped when walking up the chain."""

    active_if: Test


@dataclass(frozen=True, slots=True)
class Binding:
    """How a consumer is bound to a promoter (锁粉): first_click | last_click | registration."""

    mode: str
    valid_days: int | None = None


@dataclass(frozen=True, slots=True)
class Settlement:
    """Commission becomes withdrawable `freeze_days` after the order is `after` (received)."""

    freeze_days: int
    after: str = "received"


@dataclass(frozen=True, slots=True)
class Caps:
    """Payout caps (拨出比): Σ payouts of one order ≤ per_order × B."""

    per_order: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ScheduleStep:
    """A team-volume schedule step: GV ≥ min earns rate."""

    min: Decimal
    rate: Decimal


RankRate = Decimal | dict[str, Decimal]


@dataclass(frozen=True)
class Rule:
    """Base of every rule; payouts are labelled with `label` (the id, else the type)."""

    type: ClassVar[str] = ""
    per_order: ClassVar[bool] = True
    id: str | None

    @property
    def label(self) -> str:
        """The rule's id, else its type."""
        return self.id or self.type


@dataclass(frozen=True)
class DirectRule(Rule):
    """直推佣金: p0 gets rate(rank p0) × B."""

    type: ClassVar[str] = "direct"
    rate: RankRate


@dataclass(frozen=True)
class SelfPurchaseRule(Rule):
    """自购返: on a self-purchase, p0 gets rate × B on top of anything else."""

    type: ClassVar[str] = "self_purchase"
    rate: RankRate


@dataclass(frozen=True)
class TiersRule(Rule):
    """固定层级: p_i gets rates[i−1] × B if its rank ≥ min_rank (the level is not handed up)."""

    type: ClassVar[str] = "tiers"
    rates: tuple[Decimal, ...]
    min_rank: str


@dataclass(frozen=True)
class DifferentialRule(Rule):
    """级差: each promoter up the chain gets the part of its rank's rate not yet paid out."""

    type: ClassVar[str] = "differential"
    rates: dict[str, Decimal]
    include_seller: bool = True


@dataclass(frozen=True)
class PeerRule(Rule):
    """平级奖: the first `per_rank` promoters of the level holder's rank above it get a bonus."""

    type: ClassVar[str] = "peer"
    rate: Decimal
    source: str = "base"  # base | income
    per_rank: int = 1
    min_rank: str = ""


@dataclass(frozen=True)
class TeamVolumeRule(Rule):
    """团队业绩奖: monthly rate by group volume, paid on PV and on the gap over each direct leg."""

    type: ClassVar[str] = "team_volume"
    per_order: ClassVar[bool] = False
    schedule: tuple[ScheduleStep, ...]
    period: str = "month"
    count_self: bool = True


@dataclass(frozen=True)
class PoolRule(Rule):
    """分红池: share × the period's Σ B, split among promoters at or above min_rank."""

    type: ClassVar[str] = "pool"
    per_order: ClassVar[bool] = False
    share: Decimal
    min_rank: str
    period: str = "month"
    split: str = "equal"  # equal | by_volume


@dataclass(frozen=True)
class RecruitBonusRule(Rule):
    """拉人头: an amount per promoter recruited. Expressible so the check can refuse it (L1)."""

    type: ClassVar[str] = "recruit_bonus"
    amount: Decimal


RULE_TYPES: dict[str, type[Rule]] = {
    cls.type: cls
    for cls in (DirectRule, SelfPurchaseRule, TiersRule, DifferentialRule, PeerRule, TeamVolumeRule,
                PoolRule, RecruitBonusRule)
}


@dataclass(frozen=True)
class Plan:
    """A validated incentive plan. Ranks are lowest first; rank index 0 is the lowest."""

    id: str
    name: str
    ranks: tuple[Rank, ...]
    rules: tuple[Rule, ...]
    currency: str = "CNY"
    jurisdiction: str | None = None
    base: str = "commission"  # commission | paid
    compression: Compression | None = None
    binding: Binding | None = None
    settlement: Settlement | None = None
    disclosure: bool = False
    caps: Caps = field(default_factory=Caps)
    version: int | None = None
    # Integer rates and rank indexes, built once so that order_payouts stays quick.
    compiled: Any = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        from tuishou.incentives.engine.compiled import compile_plan

        object.__setattr__(self, "compiled", compile_plan(self))

    def __hash__(self) -> int:
        # Rules hold dicts (rates by rank); hash on what identifies a plan so it can key a cache.
        return hash((self.id, self.version, self.rank_ids, len(self.rules)))

    @property
    def rank_ids(self) -> tuple[str, ...]:
        """Rank ids, lowest first."""
        return tuple(rank.id for rank in self.ranks)

    def rank_index(self, rank_id: str | None) -> int:
        """The integer index of a rank id (lowest = 0); None means the lowest rank."""
        if rank_id is None:
            return 0
        return self.compiled.rank_index[rank_id]


# --- loading ---------------------------------------------------------------------------------------

def load_plan(source: str | bytes | Mapping[str, Any]) -> Plan:
    """Read and validate a plan from YAML or JSON text, or from an already-parsed mapping.

    Raises `PlanError` naming the field and the problem.
    """
    if isinstance(source, bytes):
        source = source.decode("utf-8")
    if isinstance(source, str):
        source = _parse_text(source)
    return _Loader().plan(source)


def _parse_text(text: str) -> Any:
    try:
        if text.lstrip().startswith("{"):
            return json.loads(text)
        return yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise PlanError(None, f"not valid YAML or JSON: {' '.join(str(exc).split())}") from exc


class _Loader:
    """Validates a parsed document field by field, keeping the path for error messages."""

    def __init__(self) -> None:
        self.rank_ids: tuple[str, ...] = ()

    # -- scalars
    @staticmethod
    def mapping(value: Any, path: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> Mapping:
        if not isinstance(value, Mapping):
            raise PlanError(path or None, f"expected a mapping, got {_kind(value)}")
        for key in value:
            if key not in allowed:
                raise PlanError(_join(path, str(key)), f"unknown field (expected one of: {', '.join(allowed)})")
        for key in required:
            if key not in value:
                raise PlanError(_join(path, key), "required")
        return value

    @staticmethod
    def decimal(value: Any, path: str) -> Decimal:
        if isinstance(value, bool | float):
            raise PlanError(path, f'write decimals as strings, e.g. "0.10" (got {value!r})')
        if isinstance(value, int):
            number = Decimal(value)
        elif isinstance(value, str) and _DECIMAL_RE.fullmatch(value.strip()):
            number = Decimal(value.strip())
        else:
            raise PlanError(path, f"malformed decimal {value!r}")
        if number < 0:
            raise PlanError(path, f"must not be negative (got {value})")
        return number

    @staticmethod
    def integer(value: Any, path: str, minimum: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise PlanError(path, f"expected a whole number, got {value!r}")
        if value < minimum:
            raise PlanError(path, f"must be at least {minimum} (got {value})")
        return value

    @staticmethod
    def boolean(value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            raise PlanError(path, f"expected true or false, got {value!r}")
        return value

    @staticmethod
    def text(value: Any, path: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise PlanError(path, f"expected a non-empty string, got {value!r}")
        return value

    @staticmethod
    def choice(value: Any, path: str, choices: tuple[str, ...]) -> str:
        if value not in choices:
            raise PlanError(path, f"unknown value {value!r} (expected one of: {', '.join(choices)})")
        return value

    def rank(self, value: Any, path: str) -> str:
        if value not in self.rank_ids:
            raise PlanError(path, f"unknown rank {value!r} (ranks: {', '.join(self.rank_ids)})")
        return value

    def rank_rates(self, value: Any, path: str) -> dict[str, Decimal]:
        if not isinstance(value, Mapping):
            raise PlanError(path, f"expected a mapping of rank to rate, got {_kind(value)}")
        rates = {}
        for key, rate in value.items():
            rates[self.rank(key, _join(path, str(key)))] = self.decimal(rate, _join(path, str(key)))
        return rates

    def rate_or_rank_rates(self, value: Any, path: str) -> RankRate:
        return self.rank_rates(value, path) if isinstance(value, Mapping) else self.decimal(value, path)

    # -- document
    def plan(self, doc: Any) -> Plan:
        doc = self.mapping(
            doc, "",
            ("id", "name", "version", "currency", "jurisdiction", "base", "ranks", "compression", "binding",
             "settlement", "disclosure", "caps", "rules"),
            ("id", "ranks", "rules"),
        )
        plan_id = self.text(doc["id"], "id")
        ranks = self.ranks(doc["ranks"])
        rules = self.rules(doc["rules"])
        return Plan(
            id=plan_id,
            name=self.text(doc.get("name", plan_id), "name"),
            version=None if doc.get("version") is None else self.integer(doc["version"], "version", 1),
            currency=self.choice(doc.get("currency", "CNY"), "currency", CURRENCIES),
            jurisdiction=(None if doc.get("jurisdiction") is None
                          else self.choice(doc["jurisdiction"], "jurisdiction", PROFILES)),
            base=self.choice(doc.get("base", "commission"), "base", ("commission", "paid")),
            ranks=ranks,
            rules=rules,
            compression=self.compression(doc.get("compression")),
            binding=self.binding(doc.get("binding")),
            settlement=self.settlement(doc.get("settlement")),
            disclosure=self.boolean(doc.get("disclosure", False), "disclosure"),
            caps=self.caps(doc.get("caps")),
        )

    def ranks(self, value: Any) -> tuple[Rank, ...]:
        if not isinstance(value, list | tuple) or not value:
            raise PlanError("ranks", "expected a non-empty list of ranks, lowest first")
        ids: list[str] = []
        for i, item in enumerate(value):
            item = self.mapping(item, f"ranks[{i}]", ("id", "name", "qualify"), ("id",))
            rank_id = self.text(item["id"], f"ranks[{i}].id")
            if rank_id in ids:
                raise PlanError(f"ranks[{i}].id", f"duplicate rank id {rank_id!r}")
            ids.append(rank_id)
        self.rank_ids = tuple(ids)  # qualify tests (legs_at_rank) may name any rank
        ranks = []
        for i, item in enumerate(value):
            qualify = item.get("qualify")
            ranks.append(Rank(
                id=ids[i],
                name=self.text(item.get("name", ids[i]), f"ranks[{i}].name"),
                qualify=None if qualify is None else self.test(qualify, f"ranks[{i}].qualify"),
            ))
        return tuple(ranks)

    def test(self, value: Any, path: str) -> Test:
        if not isinstance(value, Mapping) or len(value) != 1:
            raise PlanError(path, "expected one metric test, or all:/any: with a list of tests")
        ((key, spec),) = value.items()
        sub = _join(path, str(key))
        if key in ("all", "any"):
            if not isinstance(spec, list | tuple) or not spec:
                raise PlanError(sub, "expected a non-empty list of tests")
            tests = tuple(self.test(t, f"{sub}[{i}]") for i, t in enumerate(spec))
            return AllOf(tests) if key == "all" else AnyOf(tests)
        if key not in METRICS:
            raise PlanError(sub, f"unknown metric (expected one of: {', '.join(METRICS)}, all, any)")
        if key == "bought":
            spec = self.mapping(spec, sub, ("amount", "days"), ("amount",))
            return MetricTest("bought", amount=self.decimal(spec["amount"], f"{sub}.amount"),
                              days=self.days(spec, sub))
        allowed = ("min", "days")
        if key in VOLUME_METRICS:
            allowed += ("count_self",)
        if key == "legs_at_rank":
            allowed += ("rank",)
        spec = self.mapping(spec, sub, allowed, ("min", "rank") if key == "legs_at_rank" else ("min",))
        minimum = (Decimal(self.integer(spec["min"], f"{sub}.min")) if key in COUNT_METRICS
                   else self.decimal(spec["min"], f"{sub}.min"))
        return MetricTest(
            key,
            min=minimum,
            days=self.days(spec, sub),
            count_self=(self.boolean(spec.get("count_self", True), f"{sub}.count_self")
                        if key in VOLUME_METRICS else None),
            rank=self.rank(spec["rank"], f"{sub}.rank") if key == "legs_at_rank" else None,
        )

    def days(self, spec: Mapping, path: str) -> int | None:
        return None if spec.get("days") is None else self.integer(spec["days"], f"{path}.days", 1)

    def compression(self, value: Any) -> Compression | None:
        if value is None:
            return None
        value = self.mapping(value, "compression", ("active_if",), ("active_if",))
        return Compression(self.test(value["active_if"], "compression.active_if"))

    def binding(self, value: Any) -> Binding | None:
        if value is None:
            return None
        value = self.mapping(value, "binding", ("mode", "valid_days"), ("mode",))
        valid_days = value.get("valid_days")
        return Binding(
            mode=self.choice(value["mode"], "binding.mode", BINDING_MODES),
            valid_days=None if valid_days is None else self.integer(valid_days, "binding.valid_days", 1),
        )

    def settlement(self, value: Any) -> Settlement | None:
        if value is None:
            return None
        value = self.mapping(value, "settlement", ("freeze_days", "after"), ("freeze_days",))
        return Settlement(
            freeze_days=self.integer(value["freeze_days"], "settlement.freeze_days"),
            after=self.choice(value.get("after", "received"), "settlement.after", SETTLEMENT_AFTER),
        )

    def caps(self, value: Any) -> Caps:
        if value is None:
            return Caps()
        value = self.mapping(value, "caps", ("per_order",))
        per_order = value.get("per_order")
        return Caps(None if per_order is None else self.decimal(per_order, "caps.per_order"))

    def rules(self, value: Any) -> tuple[Rule, ...]:
        if not isinstance(value, list | tuple):
            raise PlanError("rules", f"expected a list of rules, got {_kind(value)}")
        rules: list[Rule] = []
        labels: dict[str, int] = {}
        for i, item in enumerate(value):
            rule = self.rule(item, f"rules[{i}]")
            if rule.label in labels:
                raise PlanError(
                    f"rules[{i}].id" if rule.id else f"rules[{i}].type",
                    f"duplicate rule id {rule.label!r} (also rules[{labels[rule.label]}]); "
                    "give each rule a distinct id",
                )
            labels[rule.label] = i
            rules.append(rule)
        return tuple(rules)

    def rule(self, item: Any, path: str) -> Rule:
        if not isinstance(item, Mapping):
            raise PlanError(path, f"expected a mapping, got {_kind(item)}")
        if "type" not in item:
            raise PlanError(f"{path}.type", "required")
        kind = item["type"]
        if kind not in RULE_TYPES:
            raise PlanError(f"{path}.type", f"unknown rule type {kind!r} (expected one of: {', '.join(RULE_TYPES)})")
        rule_id = None if item.get("id") is None else self.text(item["id"], f"{path}.id")
        p = path
        lowest = self.rank_ids[0]
        if kind in ("direct", "self_purchase"):
            item = self.mapping(item, p, ("type", "id", "rate"), ("rate",))
            cls = DirectRule if kind == "direct" else SelfPurchaseRule
            return cls(id=rule_id, rate=self.rate_or_rank_rates(item["rate"], f"{p}.rate"))
        if kind == "tiers":
            item = self.mapping(item, p, ("type", "id", "rates", "min_rank"), ("rates",))
            if not isinstance(item["rates"], list | tuple) or not item["rates"]:
                raise PlanError(f"{p}.rates", "expected a non-empty list of rates (p1 first)")
            return TiersRule(
                id=rule_id,
                rates=tuple(self.decimal(r, f"{p}.rates[{j}]") for j, r in enumerate(item["rates"])),
                min_rank=self.rank(item.get("min_rank", lowest), f"{p}.min_rank"),
            )
        if kind == "differential":
            item = self.mapping(item, p, ("type", "id", "rates", "include_seller"), ("rates",))
            return DifferentialRule(
                id=rule_id,
                rates=self.rank_rates(item["rates"], f"{p}.rates"),
                include_seller=self.boolean(item.get("include_seller", True), f"{p}.include_seller"),
            )
        if kind == "peer":
            item = self.mapping(item, p, ("type", "id", "rate", "source", "per_rank", "min_rank"), ("rate",))
            return PeerRule(
                id=rule_id,
                rate=self.decimal(item["rate"], f"{p}.rate"),
                source=self.choice(item.get("source", "base"), f"{p}.source", ("base", "income")),
                per_rank=self.integer(item.get("per_rank", 1), f"{p}.per_rank", 1),
                min_rank=self.rank(item.get("min_rank", lowest), f"{p}.min_rank"),
            )
        if kind == "team_volume":
            item = self.mapping(item, p, ("type", "id", "period", "schedule", "count_self"), ("schedule",))
            return TeamVolumeRule(
                id=rule_id,
                period=self.choice(item.get("period", "month"), f"{p}.period", ("month",)),
                schedule=self.schedule(item["schedule"], f"{p}.schedule"),
                count_self=self.boolean(item.get("count_self", True), f"{p}.count_self"),
            )
        if kind == "pool":
            item = self.mapping(item, p, ("type", "id", "period", "share", "min_rank", "split"), ("share",))
            return PoolRule(
                id=rule_id,
                period=self.choice(item.get("period", "month"), f"{p}.period", ("month",)),
                share=self.decimal(item["share"], f"{p}.share"),
                min_rank=self.rank(item.get("min_rank", lowest), f"{p}.min_rank"),
                split=self.choice(item.get("split", "equal"), f"{p}.split", ("equal", "by_volume")),
            )
        item = self.mapping(item, p, ("type", "id", "amount"), ("amount",))
        return RecruitBonusRule(id=rule_id, amount=self.decimal(item["amount"], f"{p}.amount"))

    def schedule(self, value: Any, path: str) -> tuple[ScheduleStep, ...]:
        if not isinstance(value, list | tuple) or not value:
            raise PlanError(path, "expected a non-empty list of {min, rate} steps")
        steps: list[ScheduleStep] = []
        for j, step in enumerate(value):
            step = self.mapping(step, f"{path}[{j}]", ("min", "rate"), ("min", "rate"))
            current = ScheduleStep(self.decimal(step["min"], f"{path}[{j}].min"),
                                   self.decimal(step["rate"], f"{path}[{j}].rate"))
            if steps and current.min <= steps[-1].min:
                raise PlanError(f"{path}[{j}].min", "steps must be listed by strictly increasing min")
            steps.append(current)
        return tuple(steps)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


# --- export ----------------------------------------------------------------------------------------

def dump_plan(plan: Plan) -> dict[str, Any]:
    """The plan as a plain mapping (strings for decimals), ready for YAML or JSON export.

    ``load_plan(dump_plan(plan)) == plan``.
    """
    doc: dict[str, Any] = {"id": plan.id, "name": plan.name}
    if plan.version is not None:
        doc["version"] = plan.version
    doc["currency"] = plan.currency
    if plan.jurisdiction is not None:
        doc["jurisdiction"] = plan.jurisdiction
    doc["base"] = plan.base
    doc["ranks"] = [_dump_rank(rank) for rank in plan.ranks]
    if plan.compression is not None:
        doc["compression"] = {"active_if": _dump_test(plan.compression.active_if)}
    if plan.binding is not None:
        binding: dict[str, Any] = {"mode": plan.binding.mode}
        if plan.binding.valid_days is not None:
            binding["valid_days"] = plan.binding.valid_days
        doc["binding"] = binding
    if plan.settlement is not None:
        doc["settlement"] = {"freeze_days": plan.settlement.freeze_days, "after": plan.settlement.after}
    doc["disclosure"] = plan.disclosure
    if plan.caps.per_order is not None:
        doc["caps"] = {"per_order": str(plan.caps.per_order)}
    doc["rules"] = [_dump_rule(rule) for rule in plan.rules]
    return doc


def _dump_rank(rank: Rank) -> dict[str, Any]:
    out: dict[str, Any] = {"id": rank.id, "name": rank.name}
    if rank.qualify is not None:
        out["qualify"] = _dump_test(rank.qualify)
    return out


def _dump_test(test: Test) -> dict[str, Any]:
    if isinstance(test, AllOf):
        return {"all": [_dump_test(t) for t in test.tests]}
    if isinstance(test, AnyOf):
        return {"any": [_dump_test(t) for t in test.tests]}
    spec: dict[str, Any] = {}
    if test.metric == "bought":
        spec["amount"] = str(test.amount)
    elif test.metric in COUNT_METRICS:
        spec["min"] = int(test.min)  # type: ignore[arg-type]
    else:
        spec["min"] = str(test.min)
    if test.rank is not None:
        spec["rank"] = test.rank
    if test.days is not None:
        spec["days"] = test.days
    if test.count_self is not None:
        spec["count_self"] = test.count_self
    return {test.metric: spec}


def _dump_rate(rate: RankRate) -> Any:
    return {k: str(v) for k, v in rate.items()} if isinstance(rate, dict) else str(rate)


def _dump_rule(rule: Rule) -> dict[str, Any]:
    out: dict[str, Any] = {"type": rule.type}
    if rule.id is not None:
        out["id"] = rule.id
    if isinstance(rule, DirectRule | SelfPurchaseRule):
        out["rate"] = _dump_rate(rule.rate)
    elif isinstance(rule, TiersRule):
        out.update(rates=[str(r) for r in rule.rates], min_rank=rule.min_rank)
    elif isinstance(rule, DifferentialRule):
        out.update(rates=_dump_rate(rule.rates), include_seller=rule.include_seller)
    elif isinstance(rule, PeerRule):
        out.update(rate=str(rule.rate), source=rule.source, per_rank=rule.per_rank, min_rank=rule.min_rank)
    elif isinstance(rule, TeamVolumeRule):
        out.update(period=rule.period, count_self=rule.count_self,
                   schedule=[{"min": str(s.min), "rate": str(s.rate)} for s in rule.schedule])
    elif isinstance(rule, PoolRule):
        out.update(period=rule.period, share=str(rule.share), min_rank=rule.min_rank, split=rule.split)
    elif isinstance(rule, RecruitBonusRule):
        out["amount"] = str(rule.amount)
    return out
