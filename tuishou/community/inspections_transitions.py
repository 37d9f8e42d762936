"""Status tables of the inspected zone, moved by ``tuishou.core.transitions``: a task is open → closed; a report
is submitted → accepted | rejected (an operator's decision, once). Who and why are in the audit log."""

from __future__ import annotations

from tuishou.community.models_inspections import InspectionReport, InspectionTask
from tuishou.core.transitions import Pipeline, pipeline_register

T, R = InspectionTask.Status, InspectionReport.Status

TASK = pipeline_register(Pipeline(model=InspectionTask, moves={T.OPEN: frozenset({T.CLOSED}), T.CLOSED: frozenset()},
                                  stamps={T.CLOSED: "closed_at"}))
REPORT = pipeline_register(Pipeline(
    model=InspectionReport,
    moves={R.SUBMITTED: frozenset({R.ACCEPTED, R.REJECTED}), R.ACCEPTED: frozenset(), R.REJECTED: frozenset()},
    stamps={R.ACCEPTED: "decided_at", R.REJECTED: "decided_at"}))
