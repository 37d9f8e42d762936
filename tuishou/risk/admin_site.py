"""The audited back office (后台审计): one admin site that audits every write and guards the books.

Every model admin registered with the site (``admin.site``, whichever app registers it) is given
``AuditedAdminMixin`` at registration, so that, in the transaction of the write:

* each addition, change and deletion writes a ``risk.AuditEntry`` (``admin.added`` / ``admin.changed`` /
  ``admin.deleted``) with the field values before and after — granting superuser, staff or a permission group on
  a user included (operator roles go through ``accounts.services``, which audit them with their own action);
* each bulk action writes one ``admin.action`` entry per selected row, with what the action changed in it;
* money, volume, ledger, commission and audit rows (``undeletable``) cannot be deleted by anyone, superusers
  included: no delete button, no "delete selected" action, and the delete view answers 403.

Secrets (password hashes, token digests) are never copied into the log: only that they changed.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.db import models, transaction

from tuishou.risk.services import audit_record

# Whole apps whose rows are money or its history, and single models elsewhere that hold volume, ranks or plans
# commissions were computed from: none of these is ever deleted from the back office.
UNDELETABLE_APPS = frozenset({"ledger", "payments", "settlement", "wallets", "orders", "risk", "coupons"})
UNDELETABLE_MODELS = frozenset({"incentives.volumeentry", "incentives.rankevaluationrun", "incentives.planversion",
                                "network.rankrecord", "network.promoter", "merchants.merchant"})
SECRET_FIELDS = frozenset({"password", "digest", "secret", "token", "key_hash"})
ACTION_ROWS_AUDITED = 500  # a bulk action over more rows audits the first ones and says how many there were


def undeletable(model: type[models.Model]) -> bool:
    """True for the models no one may delete from the back office."""
    return model._meta.app_label in UNDELETABLE_APPS or model._meta.label_lower in UNDELETABLE_MODELS


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal | date | datetime):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def field_values(obj: models.Model) -> dict[str, Any]:
    """The row's field values as JSON (a foreign key by its id, a many-to-many as the sorted ids)."""
    values = {field.attname: _plain(field.value_from_object(obj)) for field in obj._meta.concrete_fields}
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            values[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return values


def _masked(name: str, value: Any) -> Any:
    return "(hidden)" if name in SECRET_FIELDS and value not in (None, "") else value


def values_changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{field: {"before": …, "after": …}} for every field whose value differs (secrets shown as hidden)."""
    changed = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old != new:
            changed[name] = {"before": _masked(name, old), "after": _masked(name, new)}
            if name in SECRET_FIELDS:
                changed[name]["changed"] = True
    return changed


def _all_masked(values: dict[str, Any]) -> dict[str, Any]:
    return {name: _masked(name, value) for name, value in values.items()}


class AuditedAdminMixin:
    """What every model admin of the audited site does besides its own work (see the module's docstring)."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            # The values as the page found them: a change is compared with these once it is saved.
            request._audit_before = getattr(request, "_audit_before", {})
            request._audit_before[(obj._meta.label_lower, obj.pk)] = field_values(obj)
        return obj

    def log_addition(self, request, obj, message):
        audit_record(actor=request.user, action="admin.added", target=obj,
                     data={"model": obj._meta.label_lower, "after": _all_masked(field_values(obj)),
                           "message": _plain(message)})
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        before = getattr(request, "_audit_before", {}).get((obj._meta.label_lower, obj.pk), {})
        audit_record(actor=request.user, action="admin.changed", target=obj,
                     data={"model": obj._meta.label_lower, "changed": values_changed(before, field_values(obj)),
                           "message": _plain(message)})
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit_record(actor=request.user, action="admin.deleted", target=obj,
                         data={"model": obj._meta.label_lower, "before": _all_masked(field_values(obj))})
        return super().log_deletions(request, queryset)

    def has_delete_permission(self, request, obj=None):
        if undeletable(self.model):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if undeletable(self.model):
            actions.pop("delete_selected", None)
        return actions

    def response_action(self, request, queryset):
        name = request.POST.get("action", "")
        if name == "delete_selected":  # each deletion is audited by log_deletions, with its values
            return super().response_action(request, queryset)
        with transaction.atomic():
            selected = list(request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME))
            rows = self.model._default_manager.filter(pk__in=selected[:ACTION_ROWS_AUDITED])
            before = {obj.pk: (obj, field_values(obj)) for obj in rows}
            response = super().response_action(request, queryset)
            after = {obj.pk: field_values(obj) for obj in self.model._default_manager.filter(pk__in=list(before))}
            for pk, (obj, values) in before.items():
                audit_record(actor=request.user, action="admin.action", target=obj,
                             data={"model": obj._meta.label_lower, "action": name, "selected": len(selected),
                                   "deleted": pk not in after,
                                   "changed": values_changed(values, after.get(pk, values))})
        return response


class AuditedAdminSite(admin.AdminSite):
    """Django's admin site whose every registered model admin is audited and guarded (``AuditedAdminMixin``)."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedAdminMixin):
            admin_class = type(admin_class.__name__, (AuditedAdminMixin, admin_class),
                               {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__})
        return super().register(model_or_iterable, admin_class, **options)
