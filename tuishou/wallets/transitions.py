"""The withdrawal status pipeline: a declared table and the one function that moves a withdrawal.

Callers hold the withdrawal's row lock (``select_for_update``) already, so a move here is a plain write after
the table check; each move also writes a ``WithdrawalStatusChange``. A move the table does not allow raises
``wallets.transition_invalid`` (409).
"""

from __future__ import annotations

from django.utils import timezone

from tuishou.core.errors import Conflict
from tuishou.wallets.errors import WalletError
from tuishou.wallets.models import Withdrawal, WithdrawalStatusChange

W = Withdrawal.Status

# event → (statuses it may start from, status it ends in)
WITHDRAWAL_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "approve": (frozenset({W.REQUESTED}), W.APPROVED),
    "reject": (frozenset({W.REQUESTED}), W.REJECTED),
    "submit": (frozenset({W.APPROVED}), W.PAYING),
    # A provider may call back before we stored its transfer id: approved → paid/failed is allowed.
    "pay": (frozenset({W.APPROVED, W.PAYING}), W.PAID),
    "fail": (frozenset({W.APPROVED, W.PAYING}), W.FAILED),
}
FINAL_EVENTS = frozenset({"reject", "pay", "fail"})


def withdrawal_can(withdrawal: Withdrawal, event: str) -> bool:
    """True when ``event`` may move ``withdrawal`` from its current status."""
    return withdrawal.status in WITHDRAWAL_TRANSITIONS[event][0]


def withdrawal_transition(*, withdrawal: Withdrawal, event: str, actor=None, reason: str = "",
                          **changes) -> Withdrawal:
    """Move a (locked) withdrawal by ``event`` and record the move; the only place its status changes."""
    sources, target = WITHDRAWAL_TRANSITIONS[event]
    current = withdrawal.status
    if current not in sources:
        raise Conflict(WalletError.TRANSITION_INVALID, event=event, current=current,
                       details={"status": current, "event": event})
    now = timezone.now()
    withdrawal.status = target
    if reason:
        changes["reason"] = reason[:200]
    if event in FINAL_EVENTS:
        changes.setdefault("completed_at", now)
    for name, value in changes.items():
        setattr(withdrawal, name, value)
    withdrawal.updated_at = now
    withdrawal.save(update_fields=["status", "updated_at", *changes])
    withdrawal_history_record(withdrawal=withdrawal, event=event, from_status=current, actor=actor, reason=reason)
    return withdrawal


def withdrawal_history_record(*, withdrawal: Withdrawal, event: str, from_status: str = "", actor=None,
                              reason: str = "") -> WithdrawalStatusChange:
    """Append the history row of a move (or of the request itself, from no status)."""
    return WithdrawalStatusChange.objects.create(
        withdrawal=withdrawal, event=event, from_status=from_status, to_status=withdrawal.status,
        actor=actor if getattr(actor, "pk", None) else None, reason=reason[:200])
