from django.apps import AppConfig


class WalletsConfig(AppConfig):
    name = "tuishou.wallets"
    label = "wallets"
    verbose_name = "Wallets and withdrawals (钱包与提现)"

    def ready(self) -> None:
        from tuishou.wallets import reconcile  # noqa: F401  (registers the wallets' reconciliation check)
