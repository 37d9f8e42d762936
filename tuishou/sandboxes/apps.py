from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SandboxesConfig(AppConfig):
    name = "tuishou.sandboxes"
    label = "sandboxes"
    verbose_name = _("Sandboxes")
