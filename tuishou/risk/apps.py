from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "tuishou.risk"
    verbose_name = _("Risk and audit")
    label = "risk"
