"""The mentor switch request status table, moved by ``tuishou.core.transitions``: pending → applied | rejected.

A request moves once, and its row records the decision (who, when, why) and the audit log the operator's
act, so it keeps no separate history table.
"""

from __future__ import annotations

from datetime import datetime

from tuishou.core.transitions import Pipeline, pipeline_register, transition_apply
from tuishou.network.models import MentorSwitchRequest, PromoterApplication

R = MentorSwitchRequest.Status

SWITCH = pipeline_register(Pipeline(
    model=MentorSwitchRequest,
    moves={R.PENDING: frozenset({R.APPLIED, R.REJECTED}), R.APPLIED: frozenset(), R.REJECTED: frozenset()},
    stamps={R.APPLIED: "decided_at", R.REJECTED: "decided_at"}))


A = PromoterApplication.Status

# An application to promote: waiting for a qualifying purchase or for review, then decided. A rejected
# applicant, or one whose purchase did not qualify yet, may apply again (back to pending). Its row records the
# decision and the audit log the operator's act, so it keeps no separate history either.
APPLICATION = pipeline_register(Pipeline(
    model=PromoterApplication,
    moves={A.AWAITING_PURCHASE: frozenset({A.PENDING, A.APPROVED}), A.PENDING: frozenset({A.APPROVED, A.REJECTED}),
           A.REJECTED: frozenset({A.PENDING}), A.APPROVED: frozenset()}))


def application_transition(*, application: PromoterApplication, to: str, actor=None,
                           changes: dict) -> PromoterApplication:
    """Move an application (the caller holds its row or has just read it) with the fields that change with it
    (the applicant's words, the decision: ``reason`` is the application's own field here)."""
    return transition_apply(application, to=to, actor=actor, changes=changes)


def switch_transition(*, switch: MentorSwitchRequest, to: str, actor=None, at: datetime | None = None,
                      **changes) -> MentorSwitchRequest:
    """Apply or reject a pending switch; an operator's decision also records who decided."""
    if actor is not None:
        changes["decided_by"] = actor
    return transition_apply(switch, to=to, actor=actor, reason=changes.get("decision_reason", ""), at=at,
                            changes=changes)
