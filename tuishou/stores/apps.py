from django.apps import AppConfig


class StoresConfig(AppConfig):
    name = "tuishou.stores"
    label = "stores"
    verbose_name = "Micro-stores and sharing (微店与分享)"

    def ready(self) -> None:
        from tuishou.accounts.events import on_session_opened
        from tuishou.stores.attribution import visits_claim_on_session

        # Share-link visits made before signing in are claimed by every sign-in and sign-up.
        on_session_opened(visits_claim_on_session)
