from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "tuishou.payments"
    label = "payments"
    verbose_name = "Payments (支付)"
