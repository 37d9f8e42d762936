from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "tuishou.notifications"
    verbose_name = _("Messages")

    def ready(self) -> None:
        from tuishou.notifications import subscriptions

        subscriptions.subscribe_all()
