"""The plan version status table, moved by ``tuishou.core.transitions``: draft → (proposed →) published →
retired, a proposal sent back to draft.

Publishing stamps ``published_at`` and retiring ``retired_at``, once; each move is recorded with the operator
and the reason in ``PlanVersionStatusChange`` (commissions are recomputed from a version years later, so
when and by whom it was in force must stay answerable).
"""

from __future__ import annotations

from datetime import datetime

from tuishou.core.transitions import Pipeline, pipeline_register, transition_apply
from tuishou.incentives.models import PlanVersion, PlanVersionStatusChange

V = PlanVersion.Status

PLAN_VERSION = pipeline_register(Pipeline(
    model=PlanVersion, history=PlanVersionStatusChange,
    moves={V.DRAFT: frozenset({V.PUBLISHED, V.PROPOSED}), V.PROPOSED: frozenset({V.DRAFT, V.PUBLISHED}),
           V.PUBLISHED: frozenset({V.RETIRED}), V.RETIRED: frozenset()},
    stamps={V.PUBLISHED: "published_at", V.RETIRED: "retired_at"}))


def plan_version_transition(*, version: PlanVersion, to: str, actor=None, reason: str = "",
                            at: datetime | None = None, version_number: int | None = None,
                            **changes) -> PlanVersion:
    """Publish, propose, send back or retire ``version`` (``version_number``: the number publishing gives it) and
    record it."""
    if version_number is not None:
        changes["version"] = version_number
    return transition_apply(version, to=to, actor=actor, reason=reason, at=at, changes=changes)
