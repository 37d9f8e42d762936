from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoresConfig(AppConfig):
    name = "tuishou.stores"
    label = "stores"
    verbose_name = _("Micro-stores and sharing")

    def ready(self) -> None:
        from tuishou.accounts.events import on_session_opened
        from tuishou.stores.attribution import visits_claim_on_session

        # Share-link visits made before signing in are claimed by every sign-in and sign-up.
        on_session_opened(visits_claim_on_session)
