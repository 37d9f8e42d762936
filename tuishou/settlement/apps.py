from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementConfig(AppConfig):
    name = "tuishou.settlement"
    label = "settlement"
    verbose_name = _("Settlement")

    def ready(self) -> None:
        # Accrual and refunds book inside the order's own transaction, so the ledger and the order change
        # together; the reconciliation checks join `tuishou reconcile` by being imported.
        from tuishou.orders import events
        from tuishou.settlement import reconcile, reconcile_gateways  # noqa: F401
        from tuishou.settlement.accrual import order_accrue, orders_accrue
        from tuishou.settlement.accrual_batch import batched, order_paid_queue
        from tuishou.settlement.refunds import order_refund_book

        # Inline, or (TUISHOU["ACCRUAL_BATCHED"]) order.paid queued and booked by the batch with every other
        # effect of it (settlement.accrual_batch).
        events.subscribe(events.OrderPaid, order_accrue, batch=orders_accrue)
        events.defer(events.OrderPaid, when=batched, queue=order_paid_queue)
        events.subscribe(events.OrderRefunded, order_refund_book)
        # Risk flags: a rejection reverses the flag's orders' commissions; the refund rule asks when they settled.
        from tuishou.risk import hooks as risk_hooks
        from tuishou.settlement.forfeits import order_commissions_forfeit, order_settled_at

        risk_hooks.FLAG_REJECTED.register(order_commissions_forfeit)
        risk_hooks.ORDER_SETTLED_AT.register(order_settled_at)
