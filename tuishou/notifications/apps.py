from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tuishou.notifications"
    verbose_name = "消息中心 Messages"

    def ready(self) -> None:
        from tuishou.notifications import subscriptions

        subscriptions.subscribe_all()
