from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "tuishou.risk"
    verbose_name = _("Risk and audit")
    label = "risk"

    def ready(self) -> None:
        # The rules run after the facts they watch commit: a paid order, a refund, a sign-up.
        from tuishou.risk.subscriptions import subscribe_all

        subscribe_all()
