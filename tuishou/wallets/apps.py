from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WalletsConfig(AppConfig):
    name = "tuishou.wallets"
    label = "wallets"
    verbose_name = _("Wallets and withdrawals")

    def ready(self) -> None:
        from tuishou.wallets import reconcile  # noqa: F401  (registers the wallets' reconciliation check)
