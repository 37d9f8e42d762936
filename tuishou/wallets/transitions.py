"""The withdrawal status table, moved by ``tuishou.core.transitions`` under named events.

requested → approved → paying → paid | failed; requested → rejected. Callers hold the withdrawal's row lock
(``select_for_update``) already; each move also writes a ``WithdrawalStatusChange``. A move the table does not
allow raises ``wallets.transition_invalid`` (409).
"""

from __future__ import annotations

from tuishou.core import events
from tuishou.core.transitions import Pipeline, history_record, pipeline_register, transition_apply
from tuishou.wallets.models import PayoutIncident, Withdrawal, WithdrawalStatusChange
from tuishou.wallets.sandbox_models import SandboxTransfer

W = Withdrawal.Status

WITHDRAWAL = pipeline_register(Pipeline(
    model=Withdrawal, history=WithdrawalStatusChange, touch="updated_at",
    moves={
        W.REQUESTED: frozenset({W.APPROVED, W.REJECTED}),
        # A provider may call back before we stored its transfer id: approved → paid/failed is allowed.
        W.APPROVED: frozenset({W.PAYING, W.PAID, W.FAILED}),
        W.PAYING: frozenset({W.PAID, W.FAILED}),
        # The provider contradicting itself: paid after failed is a payout made; failed after paid, once finance
        # confirmed it with the provider, a payout reversed (``tuishou.wallets.incidents``).
        W.PAID: frozenset({W.FAILED}),
        W.REJECTED: frozenset(),
        W.FAILED: frozenset({W.PAID}),
    },
    stamps={W.APPROVED: "reviewed_at", W.REJECTED: "completed_at", W.PAYING: "submitted_at", W.PAID: "completed_at",
            W.FAILED: "completed_at"},
    events={
        "approve": (frozenset({W.REQUESTED}), W.APPROVED),
        "reject": (frozenset({W.REQUESTED}), W.REJECTED),
        "submit": (frozenset({W.APPROVED}), W.PAYING),
        "pay": (frozenset({W.APPROVED, W.PAYING}), W.PAID),
        "fail": (frozenset({W.APPROVED, W.PAYING}), W.FAILED),
        "reinstate": (frozenset({W.FAILED}), W.PAID),
        "reverse": (frozenset({W.PAID}), W.FAILED),
    }))

# A payout incident is open until finance resolves it (``tuishou.wallets.incidents``).
INCIDENT = pipeline_register(Pipeline(
    model=PayoutIncident, touch="updated_at",
    moves={PayoutIncident.Status.OPEN: frozenset({PayoutIncident.Status.RESOLVED}),
           PayoutIncident.Status.RESOLVED: frozenset()},
    stamps={PayoutIncident.Status.RESOLVED: "resolved_at"}))

# The payout sandbox's own books: a transfer is written in its outcome and never moves.
pipeline_register(Pipeline(model=SandboxTransfer, moves={status: frozenset() for status in SandboxTransfer.Status}))


# The moves after which the promoter hears how their withdrawal ended (the message centre listens).
FINAL_EVENTS = frozenset({"reject", "pay", "fail", "reinstate", "reverse"})


def withdrawal_can(withdrawal: Withdrawal, event: str) -> bool:
    """True when ``event`` may move ``withdrawal`` from its current status."""
    return WITHDRAWAL.can(withdrawal.status, event)


def withdrawal_transition(*, withdrawal: Withdrawal, event: str, actor=None, reason: str = "",
                          **changes) -> Withdrawal:
    """Move a (locked) withdrawal by ``event`` and record the move; a reason is also kept on the withdrawal
    (why it was rejected, why its payout failed)."""
    if reason:
        changes["reason"] = reason[:200]
    moved = transition_apply(withdrawal, event=event, actor=actor, reason=reason, changes=changes)
    if event in FINAL_EVENTS:
        events.publish("withdrawal.finished", withdrawal_id=withdrawal.pk)
    return moved


def withdrawal_history_record(*, withdrawal: Withdrawal, event: str, actor=None,
                              reason: str = "") -> WithdrawalStatusChange:
    """Append the history row of the request itself (from no status to requested)."""
    return history_record(withdrawal, event=event, actor=actor, reason=reason)
