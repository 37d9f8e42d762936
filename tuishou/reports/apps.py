from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "tuishou.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # The orders' rollup moves inside the paying and refunding transactions (see reports.rollups).
        from tuishou.reports import rollups

        rollups.subscribe()
