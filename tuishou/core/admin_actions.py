"""Admin actions that go through services: each selected row is one service call, failures are reported.

Shared by every app's back office (merchants, catalog, orders, wallets): ``run_service`` for a plain action,
``form_action`` for one that first asks the operator for input (a reason, a rate) on an intermediate page."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
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
