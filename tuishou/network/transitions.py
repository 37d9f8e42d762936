"""The mentor switch request status table, moved by ``tuishou.core.transitions``: pending → applied | rejected.

A request moves once, and its row records the decision (who, when, why) and the audit log the operator's
act, so it keeps no separate history table.
"""

from __future__ import annotations

from datetime import datetime

from tuishou.core.transitions import Pipeline, pipeline_register, transition_apply
from tuishou.network.models import MentorSwitchRequest

R = MentorSwitchRequest.Status

SWITCH = pipeline_register(Pipeline(
    model=MentorSwitchRequest,
    moves={R.PENDING: frozenset({R.APPLIED, R.REJECTED}), R.APPLIED: frozenset(), R.REJECTED: frozenset()},
    stamps={R.APPLIED: "decided_at", R.REJECTED: "decided_at"}))


def switch_transition(*, switch: MentorSwitchRequest, to: str, actor=None, at: datetime | None = None,
                      **changes) -> MentorSwitchRequest:
    """Apply or reject a pending switch; an operator's decision also records who decided."""
    if actor is not None:
        changes["decided_by"] = actor
    return transition_apply(switch, to=to, actor=actor, reason=changes.get("decision_reason", ""), at=at,
                            changes=changes)
