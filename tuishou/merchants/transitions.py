"""The status tables of merchants and merchant applications, moved by ``tuishou.core.transitions``.

Applications: submitted → approved | rejected, once (reviewed_at stamps the review). Merchants: active ⇄
suspended, each move with its operator and reason in ``MerchantStatusChange``. An application keeps no
history table: it moves once, and the row itself records who reviewed it, when and why.
"""

from __future__ import annotations

from tuishou.core.transitions import Pipeline, pipeline_register, transition_apply
from tuishou.merchants.models import Merchant, MerchantApplication, MerchantStatusChange

M = Merchant.Status
A = MerchantApplication.Status

MERCHANT = pipeline_register(Pipeline(
    model=Merchant, history=MerchantStatusChange,
    moves={M.ACTIVE: frozenset({M.SUSPENDED}), M.SUSPENDED: frozenset({M.ACTIVE})}))

APPLICATION = pipeline_register(Pipeline(
    model=MerchantApplication,
    moves={A.SUBMITTED: frozenset({A.APPROVED, A.REJECTED}), A.APPROVED: frozenset(), A.REJECTED: frozenset()},
    stamps={A.APPROVED: "reviewed_at", A.REJECTED: "reviewed_at"}))


def merchant_transition(*, merchant: Merchant, to: str, actor=None, reason: str = "", **changes) -> Merchant:
    """Suspend or reactivate ``merchant`` and record who did it and why."""
    return transition_apply(merchant, to=to, actor=actor, reason=reason, changes=changes)


def application_transition(*, application: MerchantApplication, to: str, actor=None,
                           **changes) -> MerchantApplication:
    """Approve or reject a submitted application (``changes``: the reviewer, the merchant, the reason)."""
    return transition_apply(application, to=to, actor=actor, reason=changes.get("reject_reason", ""),
                            changes=changes)
