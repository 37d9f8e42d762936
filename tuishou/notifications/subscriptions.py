"""Where the message centre listens: each event, after its transaction commits, enqueues one task.

Order events are delivered inside the order's transaction (``orders.events``); their handlers here only ask for
the task to run after the commit (``core.task_queue``: with the database task queue its row is written in the
order's transaction), so a rolled-back payment or refund sends nothing."""

from __future__ import annotations

from tuishou.core import events
from tuishou.core.task_queue import task_after_commit
from tuishou.notifications import tasks
from tuishou.orders import events as order_events


def _order_paid(event: order_events.OrderPaid) -> None:
    if event.promoter_id is not None:
        task_after_commit(tasks.notify_order_paid, order_id=event.order_id)


def _order_refunded(event: order_events.OrderRefunded) -> None:
    if event.promoter_id is not None:
        task_after_commit(tasks.notify_order_refunded, order_id=event.order_id, case_id=event.case_id)


def _settled(*, commission_ids: list[int]) -> None:
    tasks.notify_commissions_settled.enqueue(commission_ids=commission_ids)


def _withdrawal(*, withdrawal_id: int) -> None:
    tasks.notify_withdrawal_finished.enqueue(withdrawal_id=withdrawal_id)


def _joined(*, promoter_id: int) -> None:
    tasks.notify_promoter_joined.enqueue(promoter_id=promoter_id)


def _rank(*, record_id: int) -> None:
    tasks.notify_rank_changed.enqueue(record_id=record_id)


def subscribe_all() -> None:
    """Called once from ``NotificationsConfig.ready``."""
    order_events.subscribe(order_events.OrderPaid, _order_paid)
    order_events.subscribe(order_events.OrderRefunded, _order_refunded)
    events.subscribe("commission.settled", _settled)
    events.subscribe("withdrawal.finished", _withdrawal)
    events.subscribe("promoter.joined", _joined)
    events.subscribe("rank.changed", _rank)
