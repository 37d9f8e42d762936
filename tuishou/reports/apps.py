from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    verbose_name = _("Reports")
    name = "tuishou.reports"
    label = "reports"
    verbose_name = "Reports (报表)"
