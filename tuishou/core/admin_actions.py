"""Admin actions and forms that go through services: each selected row is one service call, failures are reported.

Shared by every app's back office (merchants, catalog, orders, wallets, network, accounts): ``run_service`` for a
plain action, ``form_action`` for one that first asks the operator for input (a reason, a rate) on an
intermediate page, ``ServiceFormMixin`` for add and change forms whose ``save_model`` / ``save_formset`` call
services."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse

from tuishou.core.errors import DomainError


class ReasonForm(forms.Form):
    """The reason an operator gives for a rejection or a decision (the person concerned sees it)."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), max_length=2000)


def run_service(modeladmin, request, queryset, call: Callable, *, done: str) -> None:
    """Call ``call(obj)`` for each selected row; a domain error is shown for its row, the others go on."""
    succeeded = 0
    for obj in queryset.order_by("pk"):
        try:
            call(obj)
        except DomainError as exc:
            modeladmin.message_user(request, f"{obj}: {exc.message} ({exc.code})", messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, f"{done}: {succeeded}", messages.SUCCESS)


def form_action(modeladmin, request, queryset, *, form_class: type[forms.Form], title: str,
                call: Callable) -> TemplateResponse | None:
    """An action that first asks for input (a reason, a rate), then calls ``call(obj, cleaned_data)`` per row."""
    form = form_class(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        run_service(modeladmin, request, queryset, lambda obj: call(obj, form.cleaned_data), done=title)
        return None
    return TemplateResponse(request, "admin/tuishou_action_form.html", {
        **modeladmin.admin_site.each_context(request),
        "title": title, "form": form, "queryset": queryset, "opts": modeladmin.model._meta,
        "action": request.POST.get("action", ""), "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
    })


class ServiceFormMixin:
    """For a ModelAdmin whose ``save_model`` and ``save_formset`` write through services (checked and audited like
    the API's). Django's admin saves a form in one transaction; a service's refusal (a ``DomainError``) from
    either undoes all of it, and the operator is sent back to the form with the refusal, never with "added
    successfully" beside it."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            self.message_user(request, f"Nothing was saved: {exc.message} ({exc.code})", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def formset_through_services(formset, *, key: str, add: Callable, remove: Callable) -> None:
    """Save an inline formset through services instead of ``formset.save()``: a deleted row, or one whose ``key``
    field changed, goes through ``remove(row as stored)``; a new or changed row through ``add(form.instance)``
    (the service writes it, checked and audited). Sets what the admin's change message reads."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    deleted = set(map(id, formset.deleted_forms))
    for form in formset.initial_forms:
        if id(form) in deleted or (form.has_changed() and key in form.changed_data):
            stored = type(form.instance).objects.get(pk=form.instance.pk)
            remove(stored)
            formset.deleted_objects.append(stored)
    for form in formset.forms:
        if id(form) in deleted or not form.has_changed():
            continue
        is_new = form.instance.pk is None or key in form.changed_data
        saved = add(form.instance)
        if is_new:
            formset.new_objects.append(saved)
        else:
            formset.changed_objects.append((saved, form.changed_data))
