from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    verbose_name = _("Platform core")
    name = "tuishou.core"
    label = "core"

    def ready(self) -> None:
        # Each app declares its status tables in its ``transitions`` module (tuishou.core.transitions); importing
        # them all here makes the registry complete before the first move, whichever app moves first.
        autodiscover_modules("transitions")
        # Background job kinds (tuishou.core.jobs.job_kind) live in each app's ``jobs`` module.
        autodiscover_modules("jobs")
        # Desk lists (tuishou.core.listing.Listing) live in each app's ``listings`` module: a large export
        # re-builds its listing by name in the worker, which loads no URLconf.
        autodiscover_modules("listings")
        import tuishou.core.listing  # noqa: F401  (the export job kind)
        from tuishou.core.third_party import third_party_names

        third_party_names()
