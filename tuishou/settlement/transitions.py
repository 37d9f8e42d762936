"""The status tables of commissions and merchant receivables, moved by ``tuishou.core.transitions``.

A refund that takes part of a row moves it to the status it is already in (pending → pending, available →
available, settled → settled): the move is still conditional on the status read, so a row that settled
meanwhile is refused rather than reduced as if it were pending. Settlement moves whole chunks in one UPDATE
(``transition_many``). These rows keep no history table: every change of their amounts is a journal entry in
the ledger, keyed by order and refund, which is their history; settlement moves thousands a second.
"""

from __future__ import annotations

from tuishou.core.transitions import Pipeline, pipeline_register, transition_apply
from tuishou.settlement.models import Commission, MerchantReceivable

C = Commission.Status
R = MerchantReceivable.Status

COMMISSION = pipeline_register(Pipeline(
    model=Commission,
    moves={
        C.PENDING: frozenset({C.PENDING, C.AVAILABLE, C.CANCELLED}),  # pending → pending: a partial cancel
        C.AVAILABLE: frozenset({C.AVAILABLE, C.CLAWED_BACK}),  # available → available: a partial clawback
        C.CANCELLED: frozenset(),
        C.CLAWED_BACK: frozenset({C.CLAWED_BACK}),  # a further clawback of what was left
    },
    stamps={C.AVAILABLE: "settled_at"}))
RECEIVABLE = pipeline_register(Pipeline(
    model=MerchantReceivable,
    moves={
        R.PENDING: frozenset({R.PENDING, R.SETTLED, R.CANCELLED}),
        R.SETTLED: frozenset({R.SETTLED}),  # a refund after settlement reduces it
        R.CANCELLED: frozenset(),
    },
    stamps={R.SETTLED: "settled_at"}))
COMMISSION_TRANSITIONS = COMMISSION.moves
RECEIVABLE_TRANSITIONS = RECEIVABLE.moves


def commission_transition(*, commission: Commission, to: str, **changes) -> Commission:
    """Move a commission along ``COMMISSION_TRANSITIONS`` with ``changes``; ``settlement.transition_invalid``."""
    return transition_apply(commission, to=to, changes=changes)


def receivable_transition(*, receivable: MerchantReceivable, to: str, **changes) -> MerchantReceivable:
    """Move a merchant receivable along ``RECEIVABLE_TRANSITIONS`` with ``changes``."""
    return transition_apply(receivable, to=to, changes=changes)
