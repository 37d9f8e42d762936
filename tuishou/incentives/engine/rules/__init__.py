"""The rule types of a plan, one class each, and the registry from a rule's ``type`` to its class.

A new rule type is one module here with one class (see ``base``) and one entry in `RULE_TYPES`.
"""

from __future__ import annotations

from tuishou.incentives.engine.rules.base import OrderRule, PeriodRule, Rule
from tuishou.incentives.engine.rules.differential import DifferentialRule
from tuishou.incentives.engine.rules.direct import DirectRule, SelfPurchaseRule
from tuishou.incentives.engine.rules.peer import PeerRule
from tuishou.incentives.engine.rules.pool import PoolRule
from tuishou.incentives.engine.rules.recruit import RecruitBonusRule
from tuishou.incentives.engine.rules.team_volume import ScheduleStep, TeamVolumeRule
from tuishou.incentives.engine.rules.tiers import TiersRule

RULE_TYPES: dict[str, type[Rule]] = {
    cls.type: cls
    for cls in (DirectRule, SelfPurchaseRule, TiersRule, DifferentialRule, PeerRule, TeamVolumeRule,
                PoolRule, RecruitBonusRule)
}
"""Each rule type's class by the ``type`` a plan writes, in the order the spec lists them."""

__all__ = [
    "RULE_TYPES",
    "DifferentialRule",
    "DirectRule",
    "OrderRule",
    "PeerRule",
    "PeriodRule",
    "PoolRule",
    "RecruitBonusRule",
    "Rule",
    "ScheduleStep",
    "SelfPurchaseRule",
    "TeamVolumeRule",
    "TiersRule",
]
