from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "tuishou.scheduling"
    label = "scheduling"
