from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "tuishou.catalog"
    verbose_name = _("Catalog")
    label = "catalog"

    def ready(self) -> None:
        from tuishou.catalog.services import products_unshelve_for_merchant
        from tuishou.merchants.events import on_merchant_suspended

        # A suspended merchant's products come off the shelf, in the suspension's transaction.
        on_merchant_suspended(lambda event: {"products_taken_off": products_unshelve_for_merchant(
            actor=event.actor, merchant=event.merchant, reason=f"merchant suspended: {event.reason}")})
