from django.apps import AppConfig


class IncentivesConfig(AppConfig):
    name = "tuishou.incentives"
    label = "incentives"
