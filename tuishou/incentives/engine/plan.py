"""The incentive plan (利益机制) as frozen data: loading, validation and export.

A plan is a YAML or JSON document (see ``spec/incentive-plans.md``). `load_plan` validates it and
returns a `Plan`; every error names the field (``rules[2].rates.partner``) and the problem.
`dump_plan` gives back a mapping that `load_plan` reads into an equal `Plan`.

Rates and amounts are `Decimal`; they must be written as strings (or whole numbers) because a
float cannot hold money exactly. Each rule type reads and writes its own fields (``rules``); the
parts of a plan are in ``parts``, its qualification tests in ``conditions``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from tuishou.incentives.engine.compiled import CompiledPlan, compile_plan
from tuishou.incentives.engine.conditions import (
    COUNT_METRICS,
    METRICS,
    VOLUME_METRICS,
    AllOf,
    AnyOf,
    MetricTest,
    Test,
    dump_test,
    read_test,
)
from tuishou.incentives.engine.errors import PlanError
from tuishou.incentives.engine.parts import (
    BINDING_MODES,
    CURRENCIES,
    PROFILES,
    SETTLEMENT_AFTER,
    Binding,
    Caps,
    Compression,
    Rank,
    Settlement,
)
from tuishou.incentives.engine.reader import RankRate, Reader, kind
from tuishou.incentives.engine.rules import (
    RULE_TYPES,
    DifferentialRule,
    DirectRule,
    PeerRule,
    PoolRule,
    RecruitBonusRule,
    Rule,
    ScheduleStep,
    SelfPurchaseRule,
    TeamVolumeRule,
    TiersRule,
)

__all__ = [  # the names this module has always offered, wherever they are defined now
    "BINDING_MODES", "COUNT_METRICS", "CURRENCIES", "METRICS", "PROFILES", "RULE_TYPES", "SETTLEMENT_AFTER",
    "VOLUME_METRICS", "AllOf", "AnyOf", "Binding", "Caps", "Compression", "DifferentialRule", "DirectRule",
    "MetricTest", "PeerRule", "Plan", "PoolRule", "Rank", "RankRate", "RecruitBonusRule", "Rule", "ScheduleStep",
    "SelfPurchaseRule", "Settlement", "TeamVolumeRule", "Test", "TiersRule", "dump_plan", "load_plan",
]


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
    compiled: CompiledPlan = field(default=None, init=False, repr=False, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        compiled = compile_plan(rank_ids=self.rank_ids, rules=self.rules, cap=self.caps.per_order,
                                compress=self.compression is not None)
        object.__setattr__(self, "compiled", compiled)

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
    return _read_plan(Reader(), source)


def _parse_text(text: str) -> Any:
    try:
        if text.lstrip().startswith("{"):
            return json.loads(text)
        return yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise PlanError(None, f"not valid YAML or JSON: {' '.join(str(exc).split())}") from exc


def _read_plan(reader: Reader, doc: Any) -> Plan:
    doc = reader.mapping(
        doc, "",
        ("id", "name", "version", "currency", "jurisdiction", "base", "ranks", "compression", "binding",
         "settlement", "disclosure", "caps", "rules"),
        ("id", "ranks", "rules"),
    )
    plan_id = reader.text(doc["id"], "id")
    ranks = _read_ranks(reader, doc["ranks"])
    rules = _read_rules(reader, doc["rules"])
    return Plan(
        id=plan_id,
        name=reader.text(doc.get("name", plan_id), "name"),
        version=None if doc.get("version") is None else reader.integer(doc["version"], "version", 1),
        currency=reader.choice(doc.get("currency", "CNY"), "currency", CURRENCIES),
        jurisdiction=(None if doc.get("jurisdiction") is None
                      else reader.choice(doc["jurisdiction"], "jurisdiction", PROFILES)),
        base=reader.choice(doc.get("base", "commission"), "base", ("commission", "paid")),
        ranks=ranks,
        rules=rules,
        compression=_read_compression(reader, doc.get("compression")),
        binding=_read_binding(reader, doc.get("binding")),
        settlement=_read_settlement(reader, doc.get("settlement")),
        disclosure=reader.boolean(doc.get("disclosure", False), "disclosure"),
        caps=_read_caps(reader, doc.get("caps")),
    )


def _read_ranks(reader: Reader, value: Any) -> tuple[Rank, ...]:
    if not isinstance(value, list | tuple) or not value:
        raise PlanError("ranks", "expected a non-empty list of ranks, lowest first")
    ids: list[str] = []
    for i, item in enumerate(value):
        item = reader.mapping(item, f"ranks[{i}]", ("id", "name", "qualify"), ("id",))
        rank_id = reader.text(item["id"], f"ranks[{i}].id")
        if rank_id in ids:
            raise PlanError(f"ranks[{i}].id", f"duplicate rank id {rank_id!r}")
        ids.append(rank_id)
    reader.rank_ids = tuple(ids)  # qualify tests (legs_at_rank) may name any rank
    ranks = []
    for i, item in enumerate(value):
        qualify = item.get("qualify")
        ranks.append(Rank(
            id=ids[i],
            name=reader.text(item.get("name", ids[i]), f"ranks[{i}].name"),
            qualify=None if qualify is None else read_test(reader, qualify, f"ranks[{i}].qualify"),
        ))
    return tuple(ranks)


def _read_compression(reader: Reader, value: Any) -> Compression | None:
    if value is None:
        return None
    value = reader.mapping(value, "compression", ("active_if",), ("active_if",))
    return Compression(read_test(reader, value["active_if"], "compression.active_if"))


def _read_binding(reader: Reader, value: Any) -> Binding | None:
    if value is None:
        return None
    value = reader.mapping(value, "binding", ("mode", "valid_days"), ("mode",))
    valid_days = value.get("valid_days")
    return Binding(
        mode=reader.choice(value["mode"], "binding.mode", BINDING_MODES),
        valid_days=None if valid_days is None else reader.integer(valid_days, "binding.valid_days", 1),
    )


def _read_settlement(reader: Reader, value: Any) -> Settlement | None:
    if value is None:
        return None
    value = reader.mapping(value, "settlement", ("freeze_days", "after"), ("freeze_days",))
    return Settlement(
        freeze_days=reader.integer(value["freeze_days"], "settlement.freeze_days"),
        after=reader.choice(value.get("after", "received"), "settlement.after", SETTLEMENT_AFTER),
    )


def _read_caps(reader: Reader, value: Any) -> Caps:
    if value is None:
        return Caps()
    value = reader.mapping(value, "caps", ("per_order",))
    per_order = value.get("per_order")
    return Caps(None if per_order is None else reader.decimal(per_order, "caps.per_order"))


def _read_rules(reader: Reader, value: Any) -> tuple[Rule, ...]:
    if not isinstance(value, list | tuple):
        raise PlanError("rules", f"expected a list of rules, got {kind(value)}")
    rules: list[Rule] = []
    labels: dict[str, int] = {}
    for i, item in enumerate(value):
        rule = _read_rule(reader, item, f"rules[{i}]")
        if rule.label in labels:
            raise PlanError(
                f"rules[{i}].id" if rule.id else f"rules[{i}].type",
                f"duplicate rule id {rule.label!r} (also rules[{labels[rule.label]}]); "
                "give each rule a distinct id",
            )
        labels[rule.label] = i
        rules.append(rule)
    return tuple(rules)


def _read_rule(reader: Reader, item: Any, path: str) -> Rule:
    if not isinstance(item, Mapping):
        raise PlanError(path, f"expected a mapping, got {kind(item)}")
    if "type" not in item:
        raise PlanError(f"{path}.type", "required")
    cls = RULE_TYPES.get(item["type"]) if isinstance(item["type"], str) else None
    if cls is None:
        raise PlanError(f"{path}.type",
                        f"unknown rule type {item['type']!r} (expected one of: {', '.join(RULE_TYPES)})")
    rule_id = None if item.get("id") is None else reader.text(item["id"], f"{path}.id")
    item = reader.mapping(item, path, ("type", "id", *cls.fields), cls.required)
    return cls.read(reader, item, path, rule_id)


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
        doc["compression"] = {"active_if": dump_test(plan.compression.active_if)}
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
        out["qualify"] = dump_test(rank.qualify)
    return out


def _dump_rule(rule: Rule) -> dict[str, Any]:
    out: dict[str, Any] = {"type": rule.type}
    if rule.id is not None:
        out["id"] = rule.id
    out.update(rule.dump_fields())
    return out
