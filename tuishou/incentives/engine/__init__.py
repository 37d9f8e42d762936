"""The pure incentive engine (利益机制引擎): plans, payouts, qualification and compliance.

No Django here (an import-linter contract holds it): the platform, the simulator and the command
line all call these functions with plain data.
"""

from tuishou.incentives.engine.compliance import CheckResult, Finding, check_plan
from tuishou.incentives.engine.errors import BatchEngineError, EngineErrorCode, InputError, PlanError
from tuishou.incentives.engine.orders import Member, Payout, order_payouts
from tuishou.incentives.engine.periods import period_payouts
from tuishou.incentives.engine.plan import (
    RULE_TYPES,
    AllOf,
    AnyOf,
    Binding,
    Caps,
    Compression,
    DifferentialRule,
    DirectRule,
    MetricTest,
    PeerRule,
    Plan,
    PoolRule,
    Rank,
    RecruitBonusRule,
    Rule,
    ScheduleStep,
    SelfPurchaseRule,
    Settlement,
    TeamVolumeRule,
    TiersRule,
    dump_plan,
    load_plan,
)
from tuishou.incentives.engine.qualify import evaluate_rank, is_active
from tuishou.incentives.engine.rules import OrderRule, PeriodRule
from tuishou.incentives.engine.templates import list_templates, load_template

__all__ = [
    "RULE_TYPES",
    "AllOf",
    "AnyOf",
    "BatchEngineError",
    "Binding",
    "Caps",
    "CheckResult",
    "Compression",
    "DifferentialRule",
    "DirectRule",
    "EngineErrorCode",
    "Finding",
    "InputError",
    "Member",
    "MetricTest",
    "OrderRule",
    "Payout",
    "PeerRule",
    "PeriodRule",
    "Plan",
    "PlanError",
    "PoolRule",
    "Rank",
    "RecruitBonusRule",
    "Rule",
    "ScheduleStep",
    "SelfPurchaseRule",
    "Settlement",
    "TeamVolumeRule",
    "TiersRule",
    "check_plan",
    "dump_plan",
    "evaluate_rank",
    "is_active",
    "list_templates",
    "load_plan",
    "load_template",
    "order_payouts",
    "period_payouts",
]
