"""The merchant portal's overview (``/merchant/``) and staff page (``/merchant/staff/``).

The overview shows what needs the merchant today, each figure linking to its section: orders to ship, open
after-sales cases, products by status and low stock, the receivable balance (pending and settled, as the ledger
holds them). It composes the catalog's, orders' and settlement's selectors, like the promoter centre's overview
does (an entry point; merchants' services and selectors know nothing of those apps).

The staff page lists who works for the merchant; its owner adds a registered person by phone, changes a
member's role and removes a member, through ``merchants.services`` (each audited), the same as the API.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuishou.catalog.selectors import merchant_product_counts
from tuishou.core.errors import DomainError, NotFound
from tuishou.core.pages import error_message, form_add_error
from tuishou.merchants import selectors, services
from tuishou.merchants.models import MerchantStaff
from tuishou.merchants.portal import merchant_page
from tuishou.orders.models import AfterSalesCase, Order
from tuishou.orders.selectors import aftersales_for_merchant, orders_for_merchant
from tuishou.settlement.selectors import merchant_statement

ROLE_CHOICES = [(MerchantStaff.Role.STAFF, gettext_lazy("Staff")), (MerchantStaff.Role.OWNER, gettext_lazy("Owner"))]


class StaffAddForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("Mobile phone of a registered user"), max_length=20,
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=ROLE_CHOICES, initial=MerchantStaff.Role.STAFF)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=ROLE_CHOICES)


@require_GET
@merchant_page
def overview(request: HttpRequest, membership: MerchantStaff) -> HttpResponse:
    """What needs the merchant today, linking to each section."""
    user, merchant_id = request.user, membership.merchant_id
    statement = merchant_statement(actor=user, merchant_id=merchant_id, limit=0)
    return render(request, "merchants/merchant/overview.html", {
        **request.merchant_portal, "section": "overview",
        "to_ship": orders_for_merchant(user=user, merchant_id=merchant_id, status=Order.Status.PAID).count(),
        "open_cases": aftersales_for_merchant(user=user, merchant_id=merchant_id,
                                              status=AfterSalesCase.Status.OPEN).count(),
        "products": merchant_product_counts(user=user, merchant_id=merchant_id),
        "balances": statement.balances})


def _staff_page(request: HttpRequest, membership: MerchantStaff, *, form: StaffAddForm | None = None,
                role_forms: dict | None = None, status: int = 200) -> HttpResponse:
    members = list(selectors.merchant_staff_list(merchant_id=membership.merchant_id))
    role_forms = role_forms or {}
    rows = [{"member": m, "form": role_forms.get(m.user_id) or RoleForm(prefix=f"u{m.user_id}",
                                                                          initial={"role": m.role})}
            for m in members]
    return render(request, "merchants/merchant/staff.html", {
        **request.merchant_portal, "section": "staff", "rows": rows, "form": form or StaffAddForm()},
        status=status)


@require_http_methods(["GET", "POST"])
@merchant_page
def staff(request: HttpRequest, membership: MerchantStaff) -> HttpResponse:
    """Who works for the merchant; the owner adds someone by phone (POST)."""
    if request.method == "GET":
        return _staff_page(request, membership)
    form = StaffAddForm(request.POST)
    if form.is_valid():
        try:
            member = services.merchant_staff_add(actor=request.user, merchant_id=membership.merchant_id,
                                                 **form.cleaned_data)
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("%(name)s now works for %(merchant)s.") % {
                "name": member.user, "merchant": membership.merchant.name})
            return redirect(reverse("merchant_staff:staff"))
    return _staff_page(request, membership, form=form, status=400)


@require_POST
@merchant_page
def staff_role(request: HttpRequest, membership: MerchantStaff, user_id: int) -> HttpResponse:
    """The owner changes a member's role."""
    form = RoleForm(request.POST, prefix=f"u{user_id}")
    if form.is_valid():
        try:
            services.merchant_staff_role_set(actor=request.user, merchant_id=membership.merchant_id,
                                             user_id=user_id, role=form.cleaned_data["role"])
        except NotFound:
            raise  # not a member: the 404 page
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Role changed."))
            return redirect(reverse("merchant_staff:staff"))
    return _staff_page(request, membership, role_forms={user_id: form}, status=400)


@require_POST
@merchant_page
def staff_remove(request: HttpRequest, membership: MerchantStaff, user_id: int) -> HttpResponse:
    """The owner removes a member."""
    try:
        services.merchant_staff_remove(actor=request.user, merchant_id=membership.merchant_id, user_id=user_id)
    except NotFound:
        raise  # not a member: the 404 page
    except DomainError as exc:
        messages.error(request, error_message(exc))
    else:
        messages.success(request, _("Removed from the staff."))
    return redirect(reverse("merchant_staff:staff"))
