from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "tuishou.ledger"
    label = "ledger"
    verbose_name = "Ledger (账本)"
