"""Periodic jobs of orders (see ``TUISHOU_SCHEDULE``); each is idempotent, so overlapping runs are harmless."""

from django_tasks import task

from tuishou.orders.aftersales import aftersales_escalate_overdue
from tuishou.orders.fulfilment import orders_auto_confirm, orders_complete
from tuishou.orders.paying import checkouts_expire


@task()
def expire_checkouts() -> int:
    """Cancel unpaid checkouts whose payment time ran out and release their stock."""
    return checkouts_expire()


@task()
def auto_confirm_orders() -> int:
    """Confirm receipt of orders shipped AUTO_CONFIRM_DAYS ago."""
    return orders_auto_confirm()


@task()
def complete_orders() -> int:
    """Complete orders whose after-sales window closed with no open case (emits order.completed)."""
    return orders_complete()


@task()
def escalate_after_sales() -> int:
    """Escalate after-sales cases the merchant did not answer within the SLA."""
    return aftersales_escalate_overdue()
