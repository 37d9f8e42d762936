from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "tuishou.risk"
    label = "risk"
