"""A community's plan drafts from its own staff, and the proposal to the operators (方案提案).

An agency drafts its community's next plan (from a shipped template or pasted YAML), edits it while the
compliance check reads along, tests it (simulation, backtest: ``studies``), then proposes it: the draft is
frozen in ``proposed`` until an operator publishes it (``plan_publish``'s rules: an error finding blocks it) or
sends it back to ``draft`` with a reason. Every move is a status change with its actor and reason
(``transitions``) and an audit entry. Operators of the ops role may do everything an agency does, for any
community.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from tuishou.accounts.permissions import require_operator
from tuishou.core.errors import Conflict, InvalidInput, NotFound
from tuishou.incentives.engine.templates import list_templates, template_text
from tuishou.incentives.errors import IncentiveError
from tuishou.incentives.models import REASON_PROPOSAL_PUBLISHED, PlanVersion
from tuishou.incentives.selectors import plan_editor_check
from tuishou.incentives.services import (
    plan_check_source,
    plan_draft_rewrite,
    plan_draft_write,
    plan_parse,
    plan_publish_from,
)
from tuishou.incentives.transitions import plan_version_transition
from tuishou.network.models import Community
from tuishou.risk.services import audit_record

V = PlanVersion.Status
REASON_MAX = 500


def plan_draft_start(*, actor, community: Community, template: str = "", source: str = "") -> PlanVersion:
    """A new draft for ``community`` from a shipped template (by name) or a pasted YAML/JSON document.

    Agency staff of the community or ops operators. Pasted text wins over a template; neither is
    ``incentives.source_missing``; an unknown template ``incentives.template_unknown``; an invalid document
    ``incentives.plan_invalid`` with the field. Nothing is written on any refusal.
    """
    plan_editor_check(actor=actor, community=community)
    source = source or ""
    if not source.strip():
        if not template:
            raise InvalidInput(IncentiveError.SOURCE_MISSING, details={"field": "source"})
        if template not in list_templates():
            raise NotFound(IncentiveError.TEMPLATE_UNKNOWN, name=template, details={"field": "template"})
        source = template_text(template)
    return plan_draft_write(actor=actor, community=community, source=source)


def plan_draft_edit(*, actor, draft: PlanVersion, source: str) -> PlanVersion:
    """Replace the document of a draft of the actor's community, with fresh findings."""
    plan_editor_check(actor=actor, community=draft.community)
    return plan_draft_rewrite(actor=actor, draft=draft, source=source)


def plan_source_findings(*, actor, community: Community, source: str) -> dict:
    """The live check of the editor: the findings of ``source`` under its own profile, nothing stored."""
    plan_editor_check(actor=actor, community=community)
    return plan_check_source(source=source)


def plan_propose(*, actor, draft: PlanVersion, note: str = "") -> PlanVersion:
    """Propose a draft to the operators (agency staff of its community, or ops).

    Refused: a draft already proposed (``incentives.plan_already_proposed``), a published or retired version
    (``incentives.plan_immutable``), a draft with an error finding (``incentives.plan_not_compliant``: the
    operators could not publish it).
    """
    plan_editor_check(actor=actor, community=draft.community)
    note = (note or "").strip()[:REASON_MAX]
    if draft.status == V.PROPOSED:
        raise Conflict(IncentiveError.PLAN_ALREADY_PROPOSED)
    if draft.status != V.DRAFT:
        raise Conflict(IncentiveError.PLAN_IMMUTABLE)
    result = plan_check_source(source=draft.source)
    errors = [f for f in result["findings"] if f["severity"] == "error"]
    if errors:
        raise InvalidInput(IncentiveError.PLAN_NOT_COMPLIANT, count=len(errors),
                           findings="; ".join(f"{f['code']} {f['message']}" for f in errors),
                           details={"findings": errors})
    with transaction.atomic():
        try:
            plan_version_transition(version=draft, to=V.PROPOSED, actor=actor, reason=note)
        except Conflict:  # moved meanwhile (proposed twice at once): the same answer as proposing twice
            raise Conflict(IncentiveError.PLAN_ALREADY_PROPOSED) from None
        audit_record(actor=actor, action="incentives.plan_proposed", target=draft, reason=note,
                     data={"plan": draft.plan_key, "community": draft.community.code})
    return draft


def plan_proposal_send_back(*, actor, draft: PlanVersion, reason: str) -> PlanVersion:
    """An operator (ops) sends a proposal back to its community's draft, saying why."""
    require_operator(actor, "ops")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(IncentiveError.SEND_BACK_REASON_MISSING, details={"field": "reason"})
    reason = reason[:REASON_MAX]
    if draft.status != V.PROPOSED:
        raise Conflict(IncentiveError.PLAN_NOT_PROPOSED, details={"status": draft.status})
    with transaction.atomic():
        try:
            plan_version_transition(version=draft, to=V.DRAFT, actor=actor, reason=reason)
        except Conflict:
            raise Conflict(IncentiveError.PLAN_NOT_PROPOSED) from None
        audit_record(actor=actor, action="incentives.plan_sent_back", target=draft, reason=reason,
                     data={"plan": draft.plan_key, "community": draft.community.code})
    return draft


def plan_proposal_publish(*, actor, draft: PlanVersion, at: datetime | None = None) -> PlanVersion:
    """An operator (ops) publishes a proposal: ``plan_publish`` for a draft its community proposed.

    A draft nobody proposed is ``incentives.plan_not_proposed`` (operators publish their own drafts with
    ``plan_publish``); the compliance check runs again and an error finding still blocks it.
    """
    require_operator(actor, "ops")
    if not draft.is_draft:
        raise Conflict(IncentiveError.PLAN_ALREADY_PUBLISHED, details={"status": draft.status})
    if draft.status != V.PROPOSED:
        raise Conflict(IncentiveError.PLAN_NOT_PROPOSED, details={"status": draft.status})
    plan_parse(source=draft.source)
    return plan_publish_from(actor=actor, draft=draft, at=at, statuses=(V.PROPOSED,),
                             reason=REASON_PROPOSAL_PUBLISHED)
