from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "tuishou.orders"
    verbose_name = _("Orders")
    label = "orders"

    def ready(self) -> None:
        # Payments imports no payable's app: the orders app tells it what to call for a checkout's payment
        # and refunds (inside payments' transaction).
        from tuishou.orders.aftersales import checkout_refund_succeeded
        from tuishou.orders.paying import PAYABLE_TYPE, checkout_payment_succeeded
        from tuishou.orders.paying_fast import checkout_paid_fast
        from tuishou.payments.events import on_payment_succeeded, on_payment_succeeded_fast, on_refund_succeeded

        on_payment_succeeded(PAYABLE_TYPE, checkout_payment_succeeded)
        on_payment_succeeded_fast(PAYABLE_TYPE, checkout_paid_fast)  # PostgreSQL, TUISHOU["PAID_FAST_PATH"]
        # The promotion policy's qualifying purchase (满额分销) is measured on orders.
        from tuishou.network.promotion import QUALIFYING_SPEND
        from tuishou.orders.selectors import qualifying_spend

        QUALIFYING_SPEND.register(qualifying_spend)
        # The agency portal's sales of a community (this month's on its overview).
        from tuishou.network.community_insight import COMMUNITY_SALES
        from tuishou.orders.selectors import community_sales

        COMMUNITY_SALES.register(community_sales)
        on_refund_succeeded(PAYABLE_TYPE, checkout_refund_succeeded)
        # A deferred order.paid (the batched accrual) writes the volume entries and first sales in its batch;
        # inline, order_paid_record writes them itself before the event.
        from tuishou.orders import events
        from tuishou.orders.paying import orders_paid_volume

        events.subscribe(events.OrderPaid, batch=orders_paid_volume)
