from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "tuishou.demo"
    verbose_name = _("Demo data")
    label = "demo"

    def ready(self) -> None:
        from tuishou.core.hooks import SERVE_BANNER
        from tuishou.demo.selectors import demo_logins_banner

        SERVE_BANNER.register(demo_logins_banner)
