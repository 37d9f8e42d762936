"""Writes for risk flags (风控): raising them from the rules' findings, operators' decisions on them (clear, or
reject: the commissions reversed through settlement's hook), and the rules' thresholds."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from tuishou.accounts.permissions import require_operator
from tuishou.core.errors import Conflict, InvalidInput, NotFound
from tuishou.network.models import Promoter
from tuishou.orders.models import AfterSalesCase, Order
from tuishou.risk import detection, hooks
from tuishou.risk import rules as R
from tuishou.risk.errors import RiskError
from tuishou.risk.models import RiskFlag, RiskFlagOrder, RiskRule
from tuishou.risk.services import audit_record
from tuishou.risk.transitions import flag_transition

REASON_MAX = 500
DECIDERS = ("risk",)  # with admin: who clears and rejects flags and sets the rules' thresholds
# Text-direction overrides and isolates (a reason that reads differently from what it holds).
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")




# --- raising flags ------------------------------------------------------------------------------------------

def flag_raise(finding: detection.Finding) -> RiskFlag | None:
    """Open a flag for ``finding``, or add its new orders and accounts to the open flag of the same (rule,
    subject); None when everything it names was already decided by an operator (nothing new to review)."""
    with transaction.atomic():
        decided = RiskFlag.objects.filter(rule=finding.rule, subject_key=finding.subject_key).exclude(
            status=RiskFlag.Status.OPEN)
        decided_orders = set(RiskFlagOrder.objects.filter(flag__in=decided).values_list("order_id", flat=True))
        decided_accounts = {a for ids in decided.values_list("account_ids", flat=True) for a in ids}
        new_orders = [pk for pk in finding.order_ids if pk not in decided_orders]
        if finding.order_ids and not new_orders:
            return None
        if not finding.order_ids and not set(finding.account_ids) - decided_accounts:
            return None
        flag = (RiskFlag.objects.select_for_update()
                .filter(rule=finding.rule, subject_key=finding.subject_key, status=RiskFlag.Status.OPEN).first())
        created = flag is None
        if created:
            try:
                with transaction.atomic():
                    flag = RiskFlag.objects.create(
                        rule=finding.rule, subject_key=finding.subject_key, subject_label=finding.subject_label[:200],
                        community_id=finding.community_id, promoter_id=finding.promoter_id,
                        evidence=finding.evidence, account_ids=sorted(set(finding.account_ids)))
            except IntegrityError:  # another check opened it first: add to theirs
                flag = RiskFlag.objects.select_for_update().get(
                    rule=finding.rule, subject_key=finding.subject_key, status=RiskFlag.Status.OPEN)
                created = False
        linked = set(flag.flag_orders.values_list("order_id", flat=True))
        added = [pk for pk in new_orders if pk not in linked]
        accounts = sorted(set(flag.account_ids) | set(finding.account_ids))
        if not created:
            if not added and accounts == flag.account_ids:
                return flag
            flag.evidence, flag.account_ids = finding.evidence, accounts
            flag.save(update_fields=["evidence", "account_ids", "updated_at"])
        RiskFlagOrder.objects.bulk_create([RiskFlagOrder(flag=flag, order_id=pk) for pk in added],
                                          ignore_conflicts=True)
        audit_record(actor=None, action="risk.flag_raised" if created else "risk.flag_grown", target=flag,
                     data={"rule": flag.rule, "subject": flag.subject_key, "orders_added": added,
                           "evidence": finding.evidence})
    return flag


def risk_order_paid_check(*, order_id: int) -> list[RiskFlag]:
    """The rules that watch a paid order: new-account clusters, shared destinations, self-purchase ratio."""
    order = Order.objects.filter(pk=order_id, paid_at__isnull=False).first()
    if order is None:
        return []
    findings = [detection.new_account_cluster(order), *detection.shared_destination(order)]
    if order.promoter_id:
        findings.append(detection.self_purchase_ratio(order.promoter_id, at=order.paid_at))
    return [flag for f in findings if f is not None and (flag := flag_raise(f)) is not None]


def risk_order_refunded_check(*, order_id: int, refunded_at: datetime) -> RiskFlag | None:
    """The refund-after-settlement rule, for a refund of ``order_id`` at ``refunded_at``."""
    order = Order.objects.filter(pk=order_id).first()
    finding = detection.refund_after_settlement(order, refunded_at=refunded_at) if order is not None else None
    return flag_raise(finding) if finding is not None else None


def risk_signup_check(*, promoter_id: int) -> RiskFlag | None:
    """The sign-up velocity rule, for a promoter who just joined."""
    finding = detection.signup_velocity(promoter_id)
    return flag_raise(finding) if finding is not None else None


def risk_sweep(*, now: datetime | None = None, days: int = 1) -> int:
    """The nightly sweep: every rule again over what happened in the last ``days`` (a check missed after a
    crash, thresholds an operator lowered). Returns how many flags were opened or grew."""
    now = now or timezone.now()
    since = now - timedelta(days=days)
    touched = set()
    latest: dict[tuple, int] = {}
    for pk, link, promoter, phone in (Order.objects.filter(paid_at__gte=since, paid_at__lte=now).order_by("pk")
                                      .values_list("pk", "share_link_id", "promoter_id", "recipient_phone")):
        for key in (("link", link or f"p{promoter}"), ("phone", phone), ("promoter", promoter)):
            latest[key] = pk
    for order_id in sorted(set(latest.values())):
        touched.update(flag.pk for flag in risk_order_paid_check(order_id=order_id))
    for order_id, refunded_at in (AfterSalesCase.objects.filter(refunded_at__gte=since, refunded_at__lte=now)
                                  .values_list("order_id", "refunded_at").order_by("pk")):
        flag = risk_order_refunded_check(order_id=order_id, refunded_at=refunded_at)
        if flag is not None:
            touched.add(flag.pk)
    last_signups = dict(Promoter.objects.filter(created_at__gte=since, sponsor__isnull=False)
                        .values_list("sponsor_id", "pk").order_by("pk"))
    for promoter_id in sorted(last_signups.values()):
        flag = risk_signup_check(promoter_id=promoter_id)
        if flag is not None:
            touched.add(flag.pk)
    return len(touched)


# --- operators' decisions -------------------------------------------------------------------------------------

def reason_clean(reason: Any) -> str:
    """A decision's reason: required, at most ``REASON_MAX`` characters, no control or direction characters."""
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput(RiskError.REASON_REQUIRED, details={"field": "reason"})
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise InvalidInput(RiskError.REASON_TOO_LONG, limit=REASON_MAX, details={"field": "reason"})
    for char in reason:
        if char in _BIDI or (unicodedata.category(char) in ("Cc", "Cs") and char not in "\n\t"):
            raise InvalidInput(RiskError.REASON_INVALID, details={"field": "reason"})
    return reason.replace("\r\n", "\n")


def _flag_for_decision(*, actor, flag_id: int, reason: Any) -> tuple[RiskFlag, str]:
    require_operator(actor, *DECIDERS)
    reason = reason_clean(reason)
    flag = RiskFlag.objects.select_for_update().filter(pk=flag_id).first()
    if flag is None:
        raise NotFound(RiskError.FLAG_NOT_FOUND, flag_id=flag_id, details={"flag_id": flag_id})
    if flag.status != RiskFlag.Status.OPEN:
        raise Conflict(RiskError.FLAG_DECIDED, status=flag.status, details={"status": flag.status})
    return flag, reason


def risk_flag_clear(*, actor, flag_id: int, reason: str) -> RiskFlag:
    """Clear a flag (放行): nothing wrong; its orders' commissions settle at the next settlement run (unless
    another open flag still holds them). Risk operators (or admin); audited with the reason."""
    with transaction.atomic():
        flag, reason = _flag_for_decision(actor=actor, flag_id=flag_id, reason=reason)
        flag = flag_transition(flag=flag, to=RiskFlag.Status.CLEARED, decided_by=actor, reason=reason)
        audit_record(actor=actor, action="risk.flag_cleared", target=flag, reason=reason,
                     data={"rule": flag.rule, "subject": flag.subject_key})
    return flag


def risk_flag_reject(*, actor, flag_id: int, reason: str) -> RiskFlag:
    """Reject a flag (驳回): the orders are farming or self-dealing; their commissions are reversed through the
    ledger (settlement cancels what is pending and claws back what was settled) in this transaction. Risk
    operators (or admin); audited with the reason and what was reversed."""
    with transaction.atomic():
        flag, reason = _flag_for_decision(actor=actor, flag_id=flag_id, reason=reason)
        order_ids = tuple(flag.flag_orders.order_by("order_id").values_list("order_id", flat=True))
        flag = flag_transition(flag=flag, to=RiskFlag.Status.REJECTED, decided_by=actor, reason=reason)
        reversed_ = hooks.FLAG_REJECTED.notify(hooks.FlagRejected(
            flag_id=flag.pk, rule=flag.rule, order_ids=order_ids, actor_id=actor.pk, reason=reason))
        audit_record(actor=actor, action="risk.flag_rejected", target=flag, reason=reason,
                     data={"rule": flag.rule, "subject": flag.subject_key, "orders": list(order_ids),
                           "reversed": [r for r in reversed_ if r]})
    return flag


def risk_rule_update(*, actor, code: str, enabled: bool | None = None,
                     params: dict[str, Any] | None = None) -> RiskRule:
    """Change a rule's thresholds (only those given) or switch it on or off. Risk operators (or admin); audited
    with the values before and after."""
    require_operator(actor, *DECIDERS)
    rule = R.rule_get(code)
    changes = rule.validate(params or {})
    with transaction.atomic():
        row, _ = RiskRule.objects.select_for_update().get_or_create(code=rule.code)
        before = {"enabled": row.enabled, "params": dict(row.params)}
        row.params = {**row.params, **changes}
        if enabled is not None:
            row.enabled = bool(enabled)
        row.updated_by = actor
        row.save()
        audit_record(actor=actor, action="risk.rule_updated", target=row,
                     data={"before": before, "after": {"enabled": row.enabled, "params": row.params}})
    return row
