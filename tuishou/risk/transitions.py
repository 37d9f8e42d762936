"""The status table of risk flags, moved by ``tuishou.core.transitions``: open → cleared or rejected, and a decision
is final. A flag keeps no history table: the audit log holds each decision with its actor and reason."""

from __future__ import annotations

from tuishou.core.transitions import Pipeline, pipeline_register, transition_apply
from tuishou.risk.models import RiskFlag

S = RiskFlag.Status

FLAG = pipeline_register(Pipeline(
    model=RiskFlag,
    moves={S.OPEN: frozenset({S.CLEARED, S.REJECTED}), S.CLEARED: frozenset(), S.REJECTED: frozenset()},
    stamps={S.CLEARED: "decided_at", S.REJECTED: "decided_at"},
    touch="updated_at"))


def flag_transition(*, flag: RiskFlag, to: str, **changes) -> RiskFlag:
    """Move a flag along its table with ``changes``; ``risk.transition_invalid``."""
    return transition_apply(flag, to=to, changes=changes)
