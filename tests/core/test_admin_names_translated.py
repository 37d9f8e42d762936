"""The admin reads Chinese by default: every app of the platform, every model and every model field has a name
marked for translation (a gettext_lazy verbose_name; the catalogs' completeness is
tests/accounts/test_translations_complete.py). A field added without one fails here, by name."""

from __future__ import annotations

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import override


def _lazy(value) -> bool:
    return isinstance(value, Promise)


def test_every_app_model_and_field_has_a_translatable_name():
    missing = []
    for config in apps.get_app_configs():
        if not config.name.startswith("tuishou."):
            continue
        if not _lazy(config.verbose_name):
            missing.append(f"{config.label}: AppConfig.verbose_name")
        for model in config.get_models():
            for attr in ("verbose_name", "verbose_name_plural"):
                if not _lazy(getattr(model._meta, attr)):
                    missing.append(f"{model._meta.label}: Meta.{attr}")
            for field in model._meta.local_fields + list(model._meta.local_many_to_many):
                if not field.auto_created and not _lazy(field.verbose_name):
                    missing.append(f"{model._meta.label}.{field.name}")
    assert not missing, "give these a gettext_lazy verbose_name:\n" + "\n".join(missing)


def test_the_promoter_model_reads_chinese():
    from tuishou.network.models import Promoter

    with override("zh-hans"):
        assert (str(Promoter._meta.verbose_name), str(Promoter._meta.get_field("invite_code").verbose_name),
                str(apps.get_app_config("network").verbose_name)) == ("推手", "邀请码", "推手网络")
    with override("en"):
        assert str(Promoter._meta.get_field("invite_code").verbose_name) == "invite code"
