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


def _choice_fields():
    for config in apps.get_app_configs():
        if not config.name.startswith("tuishou."):
            continue
        for model in config.get_models():
            for field in model._meta.local_fields:
                if field.choices and not field.auto_created:
                    yield model, field


def test_every_choice_label_is_translatable_and_reads_chinese():
    """Choice labels are gettext (no more bilingual "Commission accrued, pending (佣金计提)"): English in English,
    Chinese in Chinese, the stored values untouched."""
    untranslatable, not_chinese, bilingual = [], [], []
    for model, field in _choice_fields():
        for value, label in field.flatchoices:
            where = f"{model._meta.label}.{field.name}={value}"
            if not _lazy(label):
                untranslatable.append(where)
                continue
            with override("en"):
                english = str(label)
            with override("zh-hans"):
                chinese = str(label)
            if any("\u4e00" <= ch <= "\u9fff" for ch in english):
                bilingual.append(f"{where}: {english}")
            if chinese == english or not any("\u4e00" <= ch <= "\u9fff" for ch in chinese):
                not_chinese.append(f"{where}: {chinese}")
    assert not untranslatable, "wrap these choice labels in gettext_lazy/pgettext_lazy:\n" + "\n".join(untranslatable)
    assert not bilingual, "English labels with Chinese in them:\n" + "\n".join(bilingual)
    assert not not_chinese, "add Chinese translations for:\n" + "\n".join(not_chinese)


def test_the_ledger_entry_kinds_read_chinese_and_keep_their_values():
    from tuishou.ledger.models import JournalEntry
    from tuishou.orders.models import Order

    kind = JournalEntry.Kind.COMMISSION_ACCRUED
    with override("zh-hans"):
        assert (kind.value, str(kind.label), str(Order.Status.PAID.label)) == (
            "commission_accrued", "佣金计提", "已支付")
        assert str(dict(JournalEntry._meta.get_field("kind").flatchoices)["reversal"]) == "冲正"
    with override("en"):
        assert (str(kind.label), str(Order.Status.PAID.label)) == ("Commission accrued, pending", "Paid")


def test_the_third_party_apps_read_chinese_in_the_admin():
    from axes.models import AccessAttempt

    with override("zh-hans"):
        assert str(apps.get_app_config("axes").verbose_name) == "登录保护"
        assert str(apps.get_app_config("django_tasks_database").verbose_name) == "后台任务"
        assert (str(AccessAttempt._meta.verbose_name), str(AccessAttempt._meta.get_field("ip_address").verbose_name)) \
            == ("登录尝试", "IP 地址")
    with override("en"):
        assert str(apps.get_app_config("axes").verbose_name) == "Sign-in protection"


def test_the_admin_and_its_favicon_do_not_404(admin_client):
    with override("zh-hans"):
        page = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    assert "登录保护" in page.content.decode() and "后台任务" in page.content.decode()
    icon = admin_client.get("/favicon.ico")
    assert icon.status_code == 200 and icon["Content-Type"] == "image/svg+xml"
    assert icon.content.startswith(b"<svg") or b"<svg" in icon.content[:200]
