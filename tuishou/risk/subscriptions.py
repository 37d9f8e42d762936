"""Where the risk rules listen: each fact, once its transaction commits, enqueues one check (a rolled-back payment
or refund checks nothing, and a check never slows or breaks the payment it looks at)."""

from __future__ import annotations

from functools import partial

from django.db import transaction

from tuishou.core import events
from tuishou.orders import events as order_events
from tuishou.risk import tasks


def _order_paid(event: order_events.OrderPaid) -> None:
    transaction.on_commit(partial(tasks.check_order_paid.enqueue, order_id=event.order_id), robust=True)


def _order_refunded(event: order_events.OrderRefunded) -> None:
    if event.promoter_id is not None:
        transaction.on_commit(partial(tasks.check_order_refunded.enqueue, order_id=event.order_id,
                                      refunded_at=event.refunded_at.isoformat()), robust=True)


def _joined(*, promoter_id: int) -> None:
    tasks.check_signup.enqueue(promoter_id=promoter_id)


def subscribe_all() -> None:
    """Called once from ``RiskConfig.ready``."""
    order_events.subscribe(order_events.OrderPaid, _order_paid)
    order_events.subscribe(order_events.OrderRefunded, _order_refunded)
    events.subscribe("promoter.joined", _joined)
