"""How risk reaches the money without importing it (the ledger and risk are independent base apps).

Settlement registers here in its ``AppConfig.ready`` (as orders register in ``payments.events``):

* ``FLAG_REJECTED``: called inside the rejection's transaction with the flag's orders; settlement reverses
  their commissions through the ledger (cancelled while pending, clawed back once settled), so the decision
  and the money move commit or roll back together.
* ``ORDER_SETTLED_AT``: asked for when an order's commissions were first settled (None: never), for the
  refund-after-settlement rule.

The hold itself needs no hook: settlement asks ``risk.selectors.held_orders`` which orders not to settle.
"""

from __future__ import annotations

from dataclasses import dataclass

from tuishou.core.hooks import Hook


@dataclass(frozen=True)
class FlagRejected:
    """A risk flag an operator rejected: its orders' commissions are forfeited."""

    flag_id: int
    rule: str
    order_ids: tuple[int, ...]
    actor_id: int | None
    reason: str


FLAG_REJECTED: Hook[FlagRejected] = Hook("risk.flag_rejected")
ORDER_SETTLED_AT: Hook[int] = Hook("risk.order_settled_at")
