from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "tuishou.network"
    label = "network"
