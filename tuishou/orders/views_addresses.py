"""The address book (``/addresses/``): add, edit, make default, delete. Someone else's address is a 404.

``?next=`` (a path on this site) brings the buyer back where they came from, e.g. to the checkout.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tuishou.core.errors import DomainError
from tuishou.core.pages import error_message, form_add_error
from tuishou.orders import selectors, services
from tuishou.orders.forms import AddressCreateForm, AddressForm
from tuishou.orders.views import _safe_next


def _address(request: HttpRequest, address_id: int):
    try:
        return services.address_get(user=request.user, address_id=address_id)
    except DomainError:
        raise Http404 from None


@login_required
def address_list(request: HttpRequest) -> HttpResponse:
    return render(request, "orders/addresses.html", {
        "addresses": list(selectors.addresses_for_user(user=request.user)), "next": _safe_next(request, "")})


@login_required
@require_http_methods(["GET", "POST"])
def address_new(request: HttpRequest) -> HttpResponse:
    form = AddressCreateForm(request.POST or None)
    back = _safe_next(request, reverse("orders:addresses"))
    if request.method == "POST" and form.is_valid():
        try:
            services.address_create(user=request.user, is_default=form.cleaned_data["is_default"], **form.values())
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Address saved."))
            return redirect(back)
    return render(request, "orders/address_form.html", {"form": form, "next": back, "editing": None},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def address_edit(request: HttpRequest, address_id: int) -> HttpResponse:
    address = _address(request, address_id)
    initial = {f: getattr(address, f) for f in AddressForm.FIELDS}
    form = AddressForm(request.POST or None, initial=initial)
    back = _safe_next(request, reverse("orders:addresses"))
    if request.method == "POST" and form.is_valid():
        try:
            services.address_update(user=request.user, address_id=address.pk, **form.values())
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Address saved."))
            return redirect(back)
    return render(request, "orders/address_form.html", {"form": form, "next": back, "editing": address},
                  status=400 if request.method == "POST" else 200)


@require_POST
@login_required
def address_default(request: HttpRequest, address_id: int) -> HttpResponse:
    address = _address(request, address_id)
    services.address_set_default(user=request.user, address_id=address.pk)
    return redirect(_safe_next(request, reverse("orders:addresses")))


@require_POST
@login_required
def address_delete(request: HttpRequest, address_id: int) -> HttpResponse:
    address = _address(request, address_id)
    try:
        services.address_delete(user=request.user, address_id=address.pk)
        messages.success(request, _("Address deleted."))
    except DomainError as exc:
        messages.error(request, error_message(exc))
    return redirect(_safe_next(request, reverse("orders:addresses")))
