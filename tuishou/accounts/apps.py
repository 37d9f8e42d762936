from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tuishou.accounts"
    label = "accounts"
