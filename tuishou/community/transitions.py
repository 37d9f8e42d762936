"""The selling material's status table, moved by ``tuishou.core.transitions``: visible ⇄ hidden.

An operator hides a material (reported, or breaking the rules) and may restore it; each move keeps who and
why in ``MaterialStatusChange``. Hiding stamps ``hidden_at`` the first time.
"""

from __future__ import annotations

from tuishou.community.models import Material, MaterialStatusChange
from tuishou.core.transitions import Pipeline, pipeline_register

M = Material.Status

MATERIAL = pipeline_register(Pipeline(
    model=Material, history=MaterialStatusChange,
    moves={M.VISIBLE: frozenset({M.HIDDEN}), M.HIDDEN: frozenset({M.VISIBLE})},
    stamps={M.HIDDEN: "hidden_at"}))

from tuishou.community import inspections_transitions  # noqa: E402,F401 (the inspected zone's tables)

# Materials reward periods (素材奖励期): draft → open (funded) → settled, or draft/open → cancelled.
from tuishou.community.models_rewards import RewardPeriod, RewardPeriodStatusChange  # noqa: E402

R = RewardPeriod.Status

REWARD_PERIOD = pipeline_register(Pipeline(
    model=RewardPeriod, history=RewardPeriodStatusChange,
    moves={R.DRAFT: frozenset({R.OPEN, R.CANCELLED}), R.OPEN: frozenset({R.SETTLED, R.CANCELLED}),
           R.SETTLED: frozenset(), R.CANCELLED: frozenset()},
    stamps={R.OPEN: "funded_at", R.SETTLED: "settled_at", R.CANCELLED: "cancelled_at"}))
