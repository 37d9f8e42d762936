"""Plain pages to click through buying: ``/checkout/?sku=<id>&share=<code>`` → address → submit → the pay page,
and ``/orders/`` (my orders, with their actions). The full web app is its own issue; these only call services."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tuishou.accounts.services import session_open
from tuishou.catalog.selectors import sku_selling_price
from tuishou.core.errors import DomainError
from tuishou.core.i18n import error_message
from tuishou.core.visitors import visitor_key
from tuishou.orders import fulfilment, paying, selectors, services
from tuishou.orders.models import Checkout, Order

LOGIN_URL = "/orders/login/"


class SignInView(LoginView):
    """Sign in to buy; share-link visits made before signing in (the visitor cookie) are claimed."""

    template_name = "orders/login.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        session_open(user=form.get_user(), visitor_key=visitor_key(self.request))
        return response


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@login_required(login_url=LOGIN_URL)
def checkout_page(request: HttpRequest) -> HttpResponse:
    """Buy one SKU: quantity and delivery address, then off to the payment's pay page."""
    sku_id = _int(request.GET.get("sku") or request.POST.get("sku"))
    share = (request.GET.get("share") or request.POST.get("share") or "").strip()
    error, sku = None, None
    try:
        sku = services.sku_available(sku_id if sku_id is not None else 0)
    except DomainError as exc:
        error = error_message(exc)
    if request.method == "POST" and sku is not None:
        try:
            payment = paying.checkout_buy_now(
                buyer=request.user, sku_id=sku.pk, quantity=_int(request.POST.get("quantity"), 0), share_code=share,
                address_id=_int(request.POST.get("address_id")), address=request.POST,
                idempotency_key=request.POST.get("idempotency_key", ""),
                return_url=request.build_absolute_uri(reverse("orders:mine")))
            return redirect(payment.pay_url)
        except DomainError as exc:
            error = error_message(exc)
    return render(request, "orders/checkout.html", {
        "sku": sku, "unit_price": None if sku is None else sku_selling_price(sku), "share": share, "error": error,
        "idempotency_key": uuid.uuid4().hex,
        "addresses": selectors.addresses_for_user(user=request.user),
        "posted": request.POST if request.method == "POST" else {}})


@login_required(login_url=LOGIN_URL)
def my_orders_page(request: HttpRequest) -> HttpResponse:
    """My orders with their status and what I can do next (pay, cancel, confirm receipt)."""
    orders = selectors.orders_for_buyer(buyer=request.user).select_related("checkout")[:50]
    return render(request, "orders/mine.html", {"orders": orders, "error": request.GET.get("error", ""),
                                                "S": Order.Status, "pending": Checkout.Status.PENDING})


@require_POST
@login_required(login_url=LOGIN_URL)
def order_action(request: HttpRequest, order_id: int, action: str) -> HttpResponse:
    """``pay`` / ``cancel`` / ``confirm`` one of my orders from the list."""
    try:
        if action == "pay":
            order = selectors.order_for_buyer(buyer=request.user, order_id=order_id)
            payment = paying.checkout_pay(buyer=request.user, checkout_id=order.checkout_id,
                                          return_url=request.build_absolute_uri(reverse("orders:mine")))
            return redirect(payment.pay_url)
        if action == "cancel":
            paying.order_cancel(buyer=request.user, order_id=order_id)
        elif action == "confirm":
            fulfilment.order_confirm_receipt(actor=request.user, order_id=order_id)
    except DomainError as exc:
        return redirect(f"{reverse('orders:mine')}?error={exc.code}")
    return redirect("orders:mine")
