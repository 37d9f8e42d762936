"""Chinese names for the third-party apps the admin shows: django-axes (sign-in lockouts) and django-tasks'
database backend (background task results). Their AppConfig names are plain English strings, so they are
replaced by translatable ones at start; their models' and fields' names are gettext strings already, translated
in the core's catalog (tuishou/core/locale), since those packages ship no Chinese."""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _

APP_NAMES = {
    "axes": _("Sign-in protection"),
    "django_tasks_database": _("Background tasks"),
}


def third_party_names() -> None:
    """Give the installed third-party apps their translatable names (``CoreConfig.ready``)."""
    for label, name in APP_NAMES.items():
        if label in apps.app_configs:
            apps.get_app_config(label).verbose_name = name
