"""The buyer's pages before an order exists: the cart (``/cart/``), add to cart and buy now from a product page,
and checkout (``/checkout/``) with the address book, then off to the payment's pay page.

Views parse (a Django form), call one service or selector, and render; a service's error is shown beside the
field it names, in the page's language. Everything works as a plain form POST with JavaScript off; with htmx,
the cart swaps its own fragment and add-to-cart answers a small notice.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tuishou.core.errors import DomainError
from tuishou.core.pages import error_message, form_add_error
from tuishou.orders import paying, selectors, services
from tuishou.orders.buying import checkout_place
from tuishou.orders.cart import buy_now_basket, cart_basket
from tuishou.orders.forms import NEW, AddressForm, CheckoutForm, QuantityForm


def sign_in_moved(request: HttpRequest) -> HttpResponse:
    """The old sign-in address (``/orders/login/``), kept for links already sent: on to the one sign-in page,
    ``/account/login/`` (which claims the share-link visits made before signing in), with ``next`` and the rest
    of the query. A POST is sent on as a POST (307), so a form still open on the old page signs in."""
    target = reverse("accounts:login")
    if request.META.get("QUERY_STRING"):
        target = f"{target}?{request.META['QUERY_STRING']}"
    response = HttpResponseRedirect(target)
    if request.method == "POST":
        response.status_code = 307
    return response


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


# ---- cart ----------------------------------------------------------------------------------------------------

@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    """Add the chosen SKU and quantity to the cart, with the share code of the page it came from."""
    back = _safe_next(request, reverse("orders:cart"))
    if not request.user.is_authenticated:
        login = f"{reverse('accounts:login')}?{urlencode({'next': back})}"
        return HttpResponse(headers={"HX-Redirect": login}) if request.htmx else redirect(login)
    form = QuantityForm(request.POST)
    error = ""
    if not form.is_valid():
        error = form.errors["quantity"][0]
    else:
        try:
            services.cart_add(user=request.user, sku_id=_int(request.POST.get("sku"), 0),
                              quantity=form.cleaned_data["quantity"], share_code=request.POST.get("share", ""))
        except DomainError as exc:
            error = error_message(exc)
    if request.htmx:
        return render(request, "orders/cart.html#added", {"error": error})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Added to your cart."))
    return redirect(back)


def _cart_page(request: HttpRequest, *, errors: dict | None = None, status: int = 200) -> HttpResponse:
    context = {"basket": cart_basket(user=request.user), "errors": errors or {}}
    if request.htmx:  # htmx swaps only 2xx answers: the refusal travels inside the fragment
        return render(request, "orders/cart.html#cart", context)
    return render(request, "orders/cart.html", context, status=status)


@login_required
def cart_page(request: HttpRequest) -> HttpResponse:
    """My cart, grouped by merchant, with each line's quantity and the totals."""
    return _cart_page(request)


@require_POST
@login_required
def cart_line_update(request: HttpRequest, line_id: int) -> HttpResponse:
    """Change a line's quantity; a quantity the service refuses is shown beside the line, nothing changes."""
    form = QuantityForm(request.POST)
    try:
        if not form.is_valid():
            return _cart_page(request, errors={line_id: form.errors["quantity"][0]}, status=400)
        services.cart_line_set_quantity(user=request.user, line_id=line_id, quantity=form.cleaned_data["quantity"])
    except DomainError as exc:
        return _cart_page(request, errors={line_id: error_message(exc)}, status=404 if exc.status == 404 else 400)
    return _cart_page(request) if request.htmx else redirect("orders:cart")


@require_POST
@login_required
def cart_line_remove(request: HttpRequest, line_id: int) -> HttpResponse:
    try:
        services.cart_line_remove(user=request.user, line_id=line_id)
    except DomainError as exc:
        messages.error(request, error_message(exc))
    return _cart_page(request) if request.htmx else redirect("orders:cart")


# ---- buy now and checkout ------------------------------------------------------------------------------------

@require_POST
def buy_now(request: HttpRequest) -> HttpResponse:
    """立即购买: on to the checkout of this SKU and quantity (a GET address, so signing in comes back to it)."""
    query = urlencode({"sku": request.POST.get("sku", ""), "quantity": request.POST.get("quantity", "1"),
                       "share": request.POST.get("share", "")})
    target = f"{reverse('orders:checkout')}?{query}"
    if not request.user.is_authenticated:
        return redirect_to_login(target)
    return redirect(target)


def _basket(params, *, user):
    """The checkout's basket (buy now when an SKU is given, else the cart) and the error that stops it."""
    if params.get("sku"):
        try:
            return buy_now_basket(sku_id=_int(params.get("sku"), 0), quantity=_int(params.get("quantity") or 1, 0),
                                  share_code=params.get("share", "")), None
        except DomainError as exc:
            return None, error_message(exc)
    return cart_basket(user=user), None


@login_required
@require_http_methods(["GET", "POST"])
def checkout_page(request: HttpRequest) -> HttpResponse:
    """确认订单: what is bought (buy now or the cart), where to (a saved address or a new one), the total; submit
    with an idempotency key (a replay answers the first checkout), then to the pay page."""
    params = request.POST if request.method == "POST" else request.GET
    basket, problem = _basket(params, user=request.user)
    if basket is not None and not params.get("sku") and not basket.can_checkout:
        messages.error(request, _("Your cart is empty.") if not basket.rows else
                       _("Some items in your cart cannot be bought now; change or remove them first."))
        return redirect("orders:cart")
    addresses = list(selectors.addresses_for_user(user=request.user))
    default = next((str(a.pk) for a in addresses if a.is_default), NEW)
    initial = {"address": default, "idempotency_key": uuid.uuid4().hex, "share": params.get("share", ""),
               "sku": params.get("sku") or None, "quantity": params.get("quantity") or None}
    form = CheckoutForm(request.POST or None, initial=initial, addresses=addresses)
    address_form = AddressForm(request.POST if request.POST.get("address") == NEW else None, prefix="new")
    if request.method == "POST" and basket is not None and form.is_valid():
        response = _checkout_submit(request, form, address_form)
        if response is not None:
            return response
    return render(request, "orders/checkout.html", {
        "basket": basket, "problem": problem, "form": form, "address_form": address_form, "addresses": addresses,
        "buy_now": bool(params.get("sku"))},
        status=getattr(form, "refusal_status", 400) if request.method == "POST" or problem else 200)


def _checkout_submit(request: HttpRequest, form: CheckoutForm, address_form: AddressForm) -> HttpResponse | None:
    """Submit and start paying; None (with the errors on the forms) when something was refused."""
    data = form.cleaned_data
    new_address = None
    if data["address"] == NEW:
        if not address_form.is_valid():
            return None
        new_address = address_form.values()
    try:
        checkout = checkout_place(
            buyer=request.user, idempotency_key=data["idempotency_key"], new_address=new_address,
            address_id=None if new_address else int(data["address"]), sku_id=data["sku"],
            quantity=data["quantity"] or 0, share_code=data["share"])
    except DomainError as exc:
        form_add_error(address_form if exc.details.get("field") in AddressForm.FIELDS else form, exc)
        form.refusal_status = exc.status  # e.g. 409 for the limits on unpaid orders (orders.hoarding)
        return None
    return_url = request.build_absolute_uri(reverse("orders:paid", args=[checkout.pk]))
    try:
        payment = paying.checkout_pay(buyer=request.user, checkout_id=checkout.pk, return_url=return_url)
    except DomainError as exc:
        messages.error(request, error_message(exc))
        return redirect("orders:mine")
    return redirect(payment.pay_url)
