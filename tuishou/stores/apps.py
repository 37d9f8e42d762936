from django.apps import AppConfig


class StoresConfig(AppConfig):
    name = "tuishou.stores"
    label = "stores"
    verbose_name = "Micro-stores and sharing (微店与分享)"
