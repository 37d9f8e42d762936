from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    verbose_name = "Platform core"
    name = "tuishou.core"
    label = "core"

    def ready(self) -> None:
        # Each app declares its status tables in its ``transitions`` module (tuishou.core.transitions); importing
        # them all here makes the registry complete before the first move, whichever app moves first.
        autodiscover_modules("transitions")
