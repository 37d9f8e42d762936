from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncentivesConfig(AppConfig):
    name = "tuishou.incentives"
    verbose_name = _("Incentive plans")
    label = "incentives"
