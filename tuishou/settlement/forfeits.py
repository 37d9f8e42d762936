"""Risk flags and commissions (风控): what settlement does for ``tuishou.risk``'s decisions.

* A flag's orders are held while it is open: the settlement run leaves their commissions pending (``settle._due``
  asks ``risk.selectors.held_orders``); cleared, they settle at the next run.
* A rejected flag forfeits its orders' commissions (``order_commissions_forfeit``, registered on
  ``risk.hooks.FLAG_REJECTED``): ONE entry per order (key ``order:<id>:risk:<flag id>``) takes every commission
  still booked back to the platform's commission margin — from the promoter's pending balance before settlement
  (``risk_cancelled``, the row cancelled as a refund before settlement does), from the available balance
  after it (``risk_clawback``: the balance may go negative, carried like a refund's clawback). From then on
  the order is priced with no commissions (a later refund, ``tuishou reconcile``), see ``order_forfeited``.

Rows are locked commissions first (by pk), then the accounts in ``journal_post``: the order refunds and the
settlement run lock in.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db.models import Min

from tuishou.ledger.models import Account, JournalEntry
from tuishou.ledger.services import account_for, journal_post
from tuishou.network.models import Promoter
from tuishou.orders.models import Order
from tuishou.risk.hooks import FlagRejected
from tuishou.risk.selectors import forfeited_order_ids
from tuishou.settlement import accrual_batch
from tuishou.settlement.accrual import commission_snapshot
from tuishou.settlement.models import Commission
from tuishou.settlement.split import ZERO
from tuishou.settlement.transitions import commission_transition

K = Account.Kind
C = Commission.Status


def forfeit_key(order_id: int, flag_id: int) -> str:
    """The idempotency key of the entry reversing an order's commissions for a rejected flag."""
    return f"order:{order_id}:risk:{flag_id}"


def order_forfeited(order_id: int) -> bool:
    """Whether a rejected risk flag forfeited the order's commissions (it is then priced with none)."""
    return bool(forfeited_order_ids([order_id]))


def order_commissions_forfeit(event: FlagRejected) -> dict:
    """Reverse the commissions of a rejected flag's orders (inside the rejection's transaction); a replay, or an
    order with nothing left booked, posts nothing. Answers {order id: amount reversed} for the audit."""
    reversed_ = {}
    actor_id = event.actor_id
    if accrual_batch.batched():
        accrual_batch.accrual_pending_book(order_ids=event.order_ids)  # their commissions first, if still queued
    for order_id in sorted(event.order_ids):
        key = forfeit_key(order_id, event.flag_id)
        if JournalEntry.objects.filter(key=key).exists():
            continue
        commissions = [c for c in Commission.objects.select_for_update().filter(order_id=order_id).order_by("pk")
                       if c.amount]
        if not commissions:
            continue
        order = Order.objects.select_related("plan_version").get(pk=order_id)
        lines: list[tuple[Account, Decimal]] = []
        snapshots = {}
        settled_any = False
        for commission in commissions:
            settled = commission.status in (C.AVAILABLE, C.CLAWED_BACK)
            settled_any = settled_any or settled
            snapshots[len(lines)] = commission_snapshot(order_ref=order.number, version=order.plan_version,
                                                        rule=commission.rule, rate=commission.rate,
                                                        base=commission.base)
            lines.append((account_for(K.PROMOTER_AVAILABLE if settled else K.PROMOTER_PENDING,
                                      Promoter(pk=commission.promoter_id)), commission.amount))
        total = sum((c.amount for c in commissions), ZERO)
        lines.append((account_for(K.COMMISSION_MARGIN), -total))
        journal_post(kind=JournalEntry.Kind.RISK_CLAWBACK if settled_any else JournalEntry.Kind.RISK_CANCELLED,
                     key=key, lines=lines, snapshots=snapshots, actor=_actor(actor_id),
                     memo=f"订单 {order.number} 风控驳回 #{event.flag_id}")
        for commission in commissions:
            if commission.status in (C.AVAILABLE, C.CLAWED_BACK):
                commission_transition(commission=commission, to=C.CLAWED_BACK, amount=ZERO,
                                      clawed_back_amount=commission.clawed_back_amount + commission.amount)
            else:
                commission_transition(commission=commission, to=C.CANCELLED, amount=ZERO,
                                      cancelled_amount=commission.cancelled_amount + commission.amount)
        reversed_[order_id] = str(total)
    return reversed_


def _actor(actor_id: int | None):
    if actor_id is None:
        return None
    from django.contrib.auth import get_user_model

    return get_user_model()(pk=actor_id)


def order_settled_at(order_id: int) -> datetime | None:
    """When the order's commissions were first settled (None: never), for risk's refund-after-settlement rule."""
    return Commission.objects.filter(order_id=order_id, settled_at__isnull=False).aggregate(
        first=Min("settled_at"))["first"]
