"""Risk operators' API (风控): the flag queue, one flag with its evidence, clear or reject with a reason, and the
rules' thresholds. Risk (and admin) decide and set thresholds; finance may read."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from tuishou.core.api_roles import FINANCE, RISK, allowed
from tuishou.risk import flags, selectors
from tuishou.risk.schemas import (
    DecisionIn,
    FlagDetailOut,
    FlagPageOut,
    FlagQuery,
    RuleIn,
    RuleOut,
    flag_detail_out,
    flag_out,
    rule_out,
)

router = Router(tags=["risk"])


@router.get("/operator/flags", response=FlagPageOut, openapi_extra=allowed(FINANCE, RISK))
def flag_queue(request: HttpRequest, query: Query[FlagQuery]):
    """Risk flags, newest first: open ones by default; by rule, status and community."""
    rows = selectors.flag_queue_query(actor=request.user, rule=query.rule, status=query.status,
                                      community_id=query.community_id)
    return {"total": rows.count(), "limit": query.limit, "offset": query.offset,
            "items": [flag_out(f) for f in rows[query.offset:query.offset + query.limit]]}


@router.get("/operator/flags/{flag_id}", response=FlagDetailOut, openapi_extra=allowed(FINANCE, RISK))
def flag_show(request: HttpRequest, flag_id: int):
    """One flag with its evidence: orders and accounts, phones and addresses masked."""
    return flag_detail_out(selectors.flag_detail(actor=request.user, flag_id=flag_id))


@router.post("/operator/flags/{flag_id}/clear", response=FlagDetailOut, openapi_extra=allowed(RISK))
def flag_clear(request: HttpRequest, flag_id: int, payload: DecisionIn):
    """Clear an open flag with a reason: its orders' commissions settle at the next run. Risk only; audited."""
    flags.risk_flag_clear(actor=request.user, flag_id=flag_id, reason=payload.reason)
    return flag_detail_out(selectors.flag_detail(actor=request.user, flag_id=flag_id))


@router.post("/operator/flags/{flag_id}/reject", response=FlagDetailOut, openapi_extra=allowed(RISK))
def flag_reject(request: HttpRequest, flag_id: int, payload: DecisionIn):
    """Reject an open flag with a reason: its orders' commissions are reversed (cancelled, or clawed back once
    settled). Risk only; audited."""
    flags.risk_flag_reject(actor=request.user, flag_id=flag_id, reason=payload.reason)
    return flag_detail_out(selectors.flag_detail(actor=request.user, flag_id=flag_id))


@router.get("/operator/rules", response=list[RuleOut], openapi_extra=allowed(FINANCE, RISK))
def rule_list(request: HttpRequest):
    """Every rule with its thresholds in force."""
    return [rule_out(s) for s in selectors.rule_settings(actor=request.user)]


@router.put("/operator/rules/{code}", response=RuleOut, openapi_extra=allowed(RISK))
def rule_update(request: HttpRequest, code: str, payload: RuleIn):
    """Change a rule's thresholds (those given) or switch it on or off. Risk only; audited before and after."""
    flags.risk_rule_update(actor=request.user, code=code, enabled=payload.enabled, params=payload.params)
    return next(rule_out(s) for s in selectors.rule_settings(actor=request.user) if s.rule.code == code)
