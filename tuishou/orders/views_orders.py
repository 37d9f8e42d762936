"""My orders (``/orders/``: tabs by status, paginated) and one order (``/orders/<number>/``): status timeline,
tracking, amounts paid and refunded, pay / cancel / confirm receipt (each with a confirmation page), and the
after-sales request with its progress.

After the sandbox (or a real gateway) sends the buyer back, the order shows "payment being confirmed" until
the signed callback lands: the page polls its status fragment every 2 s (htmx) and reloads itself when the
order has moved; without JavaScript a reload link does the same.
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
from tuishou.core.pages import error_message, paginate
from tuishou.orders import fulfilment, paying, selectors
from tuishou.orders.aftersales import MAX_PHOTOS, aftersales_escalate
from tuishou.orders.aftersales_request import aftersales_request
from tuishou.orders.forms import AfterSalesForm
from tuishou.orders.models import AfterSalesCase, Checkout, Order
from tuishou.orders.transitions import REFUNDABLE

S = Order.Status
PAYING_KEY = "orders_paying"  # session: checkouts whose buyer came back from the gateway (支付确认中)


def _order(request: HttpRequest, number: str) -> Order:
    try:
        return selectors.order_detail_for_buyer(buyer=request.user, number=number)
    except DomainError:
        raise Http404 from None


def _confirming(request: HttpRequest, order: Order) -> bool:
    """Paid at the gateway, callback not landed yet: the buyer came back from paying this checkout."""
    return (order.status == S.CREATED and order.checkout.status == Checkout.Status.PENDING
            and order.checkout_id in request.session.get(PAYING_KEY, []))


@login_required
def my_orders(request: HttpRequest) -> HttpResponse:
    """我的订单, one tab of statuses at a time, 20 a page, newest first."""
    tab = request.GET.get("tab", "all")
    if tab not in selectors.BUYER_TABS:
        tab = "all"
    page = paginate(request, selectors.orders_for_buyer_tab(buyer=request.user, tab=tab))
    paying_ids = set(request.session.get(PAYING_KEY, []))
    for order in page:
        order.confirming = (order.status == S.CREATED and order.checkout.status == Checkout.Status.PENDING
                            and order.checkout_id in paying_ids)
    return render(request, "orders/mine.html", {"page": page, "tab": tab, "tabs": selectors.BUYER_TABS})


@login_required
def payment_returned(request: HttpRequest, checkout_id: int) -> HttpResponse:
    """Where the gateway sends the buyer back after paying: remember that this checkout is being confirmed,
    then show its order (or my orders when the checkout was split between merchants)."""
    try:
        checkout = selectors.checkout_get(buyer=request.user, checkout_id=checkout_id)
    except DomainError:
        raise Http404 from None
    paying_ids = [i for i in request.session.get(PAYING_KEY, []) if i != checkout.pk][-19:]
    request.session[PAYING_KEY] = [*paying_ids, checkout.pk]
    numbers = list(checkout.orders.order_by("pk").values_list("number", flat=True))
    if len(numbers) == 1:
        return redirect("orders:detail", number=numbers[0])
    return redirect("orders:mine")


@login_required
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    """One order. An htmx poll of a confirming order answers its status fragment, or a reload once it moved."""
    order = _order(request, number)
    confirming = _confirming(request, order)
    if request.htmx and request.GET.get("part") == "status":
        if not confirming:
            return HttpResponse(headers={"HX-Refresh": "true"})
        return render(request, "orders/detail.html#status", {"order": order, "confirming": True})
    cases = list(order.after_sales.all())
    return render(request, "orders/detail.html", {
        "order": order, "confirming": confirming, "cases": cases, "history": list(order.status_changes.all()),
        "can_after_sales": order.status in REFUNDABLE and not any(
            c.status in AfterSalesCase.OPEN_STATUSES for c in cases)})


@require_POST
@login_required
def order_pay(request: HttpRequest, number: str) -> HttpResponse:
    """去支付: start (or resume) paying the order's checkout; an order already paid just says so."""
    order = _order(request, number)
    return_url = request.build_absolute_uri(reverse("orders:paid", args=[order.checkout_id]))
    try:
        payment = paying.checkout_pay(buyer=request.user, checkout_id=order.checkout_id, return_url=return_url)
    except DomainError as exc:
        messages.info(request, error_message(exc))
        return redirect("orders:detail", number=order.number)
    return redirect(payment.pay_url)


def _confirm_page(request: HttpRequest, order: Order, *, action: str) -> HttpResponse:
    return render(request, "orders/confirm.html", {"order": order, "action": action})


@login_required
@require_http_methods(["GET", "POST"])
def order_receive(request: HttpRequest, number: str) -> HttpResponse:
    """确认收货, after a confirmation page (GET): the after-sales window starts now."""
    order = _order(request, number)
    if request.method == "GET":
        return _confirm_page(request, order, action="receive")
    try:
        fulfilment.order_confirm_receipt(actor=request.user, order_id=order.pk)
        messages.success(request, _("Receipt confirmed. Thank you!"))
    except DomainError as exc:
        messages.error(request, error_message(exc))
    return redirect("orders:detail", number=order.number)


@login_required
@require_http_methods(["GET", "POST"])
def order_cancel(request: HttpRequest, number: str) -> HttpResponse:
    """取消订单 of an unpaid order, after a confirmation page (GET); the stock goes back."""
    order = _order(request, number)
    if request.method == "GET":
        return _confirm_page(request, order, action="cancel")
    try:
        paying.order_cancel(buyer=request.user, order_id=order.pk)
        messages.success(request, _("The order was cancelled."))
    except DomainError as exc:
        messages.error(request, error_message(exc))
    return redirect("orders:detail", number=order.number)


@login_required
@require_http_methods(["GET", "POST"])
def aftersales_new(request: HttpRequest, number: str) -> HttpResponse:
    """申请售后: which lines and how many, refund only or return and refund, a reason, photos."""
    order = _order(request, number)
    form = AfterSalesForm(request.POST or None, request.FILES or None, order=order, max_photos=MAX_PHOTOS)
    if request.method == "POST" and form.is_valid():
        try:
            aftersales_request(buyer=request.user, order_id=order.pk, kind=form.cleaned_data["kind"],
                               reason=form.cleaned_data["reason"], lines=form.lines(),
                               photos=form.cleaned_data["photos"])
        except DomainError as exc:
            form.add_error(form.error_field(exc.details), error_message(exc))
        else:
            messages.success(request, _("Your request was sent to the merchant."))
            return redirect("orders:detail", number=order.number)
    return render(request, "orders/aftersales.html", {"order": order, "form": form},
                  status=400 if request.method == "POST" else 200)


@require_POST
@login_required
def aftersales_escalate_page(request: HttpRequest, number: str, case_id: int) -> HttpResponse:
    """Ask customer service to step in (平台介入) after the merchant rejected the request."""
    order = _order(request, number)
    case = next((c for c in order.after_sales.all() if c.pk == case_id), None)
    if case is None:
        raise Http404
    try:
        aftersales_escalate(buyer=request.user, case_id=case.pk, reason=request.POST.get("reason", ""))
        messages.success(request, _("Customer service will look at your request."))
    except DomainError as exc:
        messages.error(request, error_message(exc))
    return redirect("orders:detail", number=order.number)
