from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tuishou.demo"
    label = "demo"

    def ready(self) -> None:
        from tuishou.core.hooks import SERVE_BANNER
        from tuishou.demo.selectors import demo_logins_banner

        SERVE_BANNER.register(demo_logins_banner)
