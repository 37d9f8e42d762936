from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SandboxesConfig(AppConfig):
    name = "tuishou.sandboxes"
    label = "sandboxes"
    verbose_name = _("Sandboxes")

    def ready(self) -> None:
        from tuishou.sandboxes import checks  # noqa: F401 (registers the system check)
