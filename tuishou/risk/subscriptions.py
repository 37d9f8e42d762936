"""Where the risk rules listen: each fact asks for one check that runs once its transaction commits (a rolled-back
payment or refund checks nothing, and a check never slows or breaks the payment it looks at). With the database
task queue the check's row is written in the fact's transaction (``core.task_queue``)."""

from __future__ import annotations

from tuishou.core import events
from tuishou.core.task_queue import task_after_commit
from tuishou.orders import events as order_events
from tuishou.risk import tasks


def _order_paid(event: order_events.OrderPaid) -> None:
    task_after_commit(tasks.check_order_paid, order_id=event.order_id)


def _order_refunded(event: order_events.OrderRefunded) -> None:
    if event.promoter_id is not None:
        task_after_commit(tasks.check_order_refunded, order_id=event.order_id,
                          refunded_at=event.refunded_at.isoformat())


def _joined(*, promoter_id: int) -> None:
    tasks.check_signup.enqueue(promoter_id=promoter_id)


def subscribe_all() -> None:
    """Called once from ``RiskConfig.ready``."""
    order_events.subscribe(order_events.OrderPaid, _order_paid)
    order_events.subscribe(order_events.OrderRefunded, _order_refunded)
    events.subscribe("promoter.joined", _joined)
