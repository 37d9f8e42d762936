from django.apps import AppConfig


class CoreConfig(AppConfig):
    verbose_name = "Platform core"
    name = "tuishou.core"
    label = "core"
