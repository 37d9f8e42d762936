"""The merchant portal's orders and after-sales (``/merchant/orders/``, ``/merchant/after-sales/``): the list to
ship with search, filters, sorting and CSV export; one order with its shipping form; the after-sales queue with
its SLA countdown; one case with the merchant's answer.

Each view parses (a form), calls one service or selector, renders. Reads are scoped by ``orders.desk``: a
page for another merchant's order or case answers 404, as one that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from tuishou.core.errors import DomainError
from tuishou.core.pages import error_message, form_add_error
from tuishou.merchants.models import Merchant
from tuishou.merchants.portal import current_membership
from tuishou.orders import aftersales, desk, fulfilment
from tuishou.orders.forms_desk import AnswerForm, ShipFileForm, ShipForm
from tuishou.orders.listings import MerchantCaseListing, MerchantOrderListing
from tuishou.orders.models import AfterSalesCase, Order
from tuishou.orders.shipping_batch import MAX_BYTES as MAX_UPLOAD
from tuishou.orders.shipping_batch import BatchRefused, orders_ship_batch


def _merchant(request: HttpRequest) -> Merchant:
    """The merchant this request works at: the portal's one choice (``?merchant=``, remembered in the session)."""
    try:
        return current_membership(request)[0].merchant
    except DomainError:
        raise Http404 from None


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    """The merchant's orders, one tab at a time (待发货 first), with search, period, sort, pages and CSV."""
    merchant = _merchant(request)
    listing = MerchantOrderListing(request, merchant_id=merchant.pk)
    if listing.export_requested:
        return listing.export_response()
    counts = desk.merchant_order_counts(user=request.user, merchant_id=merchant.pk)
    return render(request, "orders/merchant/orders.html", {
        "merchant": merchant, "listing": listing, "tabs": listing.tab_items(counts)})


@login_required
@require_http_methods(["GET", "POST"])
def order_ship_batch(request: HttpRequest) -> HttpResponse:
    """批量发货: upload the exported list to ship with carriers and tracking numbers filled in; all or nothing,
    each refused row listed with its line and reason."""
    merchant = _merchant(request)
    form = ShipFileForm(request.POST or None, request.FILES or None)
    refusals = []
    if request.method == "POST" and form.is_valid():
        try:
            shipped = orders_ship_batch(actor=request.user, merchant_id=merchant.pk,
                                        data=form.cleaned_data["file"].read(MAX_UPLOAD + 1))
        except BatchRefused as exc:
            refusals = [{"line": r.line, "number": r.number, "message": error_message(r.error)}
                        for r in exc.refusals]
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, ngettext("%(n)s order shipped.", "%(n)s orders shipped.", len(shipped))
                             % {"n": len(shipped)})
            return redirect(reverse("orders_merchant:orders") + "?tab=shipped")
    return render(request, "orders/merchant/ship_batch.html", {"form": form, "refusals": refusals},
                  status=400 if request.method == "POST" else 200)


def _order(request: HttpRequest, merchant: Merchant, number: str) -> Order:
    try:
        return desk.merchant_order(user=request.user, merchant_id=merchant.pk, number=number)
    except DomainError:
        raise Http404 from None


def _order_page(request: HttpRequest, order: Order, form: ShipForm, *, status: int = 200) -> HttpResponse:
    return render(request, "orders/merchant/order.html", {
        "order": order, "form": form, "history": list(order.status_changes.all()),
        "cases": list(order.after_sales.all())}, status=status)


@login_required
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    """One order: its lines, the recipient (for shipping), history, cases, and the shipping form when paid."""
    order = _order(request, _merchant(request), number)
    return _order_page(request, order, ShipForm())


@require_POST
@login_required
def order_ship(request: HttpRequest, number: str) -> HttpResponse:
    """发货: ship the order with the carrier and tracking number; a refusal shows beside the field."""
    order = _order(request, _merchant(request), number)
    form = ShipForm(request.POST)
    if form.is_valid():
        try:
            fulfilment.order_ship(actor=request.user, order_id=order.pk, carrier=form.carrier_name(),
                                  tracking_number=form.cleaned_data["tracking_number"])
        except DomainError as exc:
            field = exc.details.get("field") if isinstance(exc.details, dict) else None
            form.add_service_error(field, error_message(exc))
        else:
            messages.success(request, _("Order %(number)s shipped.") % {"number": order.number})
            return redirect("orders_merchant:order", number=order.number)
    return _order_page(request, order, form, status=400)


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The after-sales queue: cases to answer by deadline (time left computed here; overdue in red)."""
    merchant = _merchant(request)
    listing = MerchantCaseListing(request, merchant_id=merchant.pk)
    if listing.export_requested:
        return listing.export_response()
    now = timezone.now()
    counts = desk.merchant_case_counts(user=request.user, merchant_id=merchant.pk, now=now)
    rows = [(case, desk.sla_left(case, now)) for case in listing.page.object_list]
    return render(request, "orders/merchant/cases.html", {
        "merchant": merchant, "listing": listing, "tabs": listing.tab_items(counts), "rows": rows,
        "overdue": counts["overdue"]})


def _case(request: HttpRequest, merchant: Merchant, case_id: int) -> AfterSalesCase:
    try:
        return desk.merchant_case(user=request.user, merchant_id=merchant.pk, case_id=case_id)
    except DomainError:
        raise Http404 from None


def _case_page(request: HttpRequest, case: AfterSalesCase, form: AnswerForm, *, status: int = 200) -> HttpResponse:
    return render(request, "orders/merchant/case.html", {
        "case": case, "form": form, "sla": desk.sla_left(case, timezone.now()),
        "history": list(case.status_changes.all())}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """One case: what the buyer asks and why (lines, photos), the time left, and the answer form."""
    case = _case(request, _merchant(request), case_id)
    form = AnswerForm(request.POST or None, case=case)
    if request.method == "GET":
        return _case_page(request, case, form)
    if form.is_valid():
        try:
            aftersales.aftersales_answer(actor=request.user, case_id=case.pk, accept=form.accept,
                                         answer=form.cleaned_data["answer"], refund_amount=form.partial_amount)
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Your answer was sent to the buyer."))
            return redirect("orders_merchant:case", case_id=case.pk)
    return _case_page(request, case, form, status=400)


@require_POST
@login_required
def case_return_received(request: HttpRequest, case_id: int) -> HttpResponse:
    """The returned goods arrived: the buyer is refunded."""
    case = _case(request, _merchant(request), case_id)
    try:
        aftersales.aftersales_return_receive(actor=request.user, case_id=case.pk)
        messages.success(request, _("Return received: the refund is on its way to the buyer."))
    except DomainError as exc:
        messages.error(request, error_message(exc))
    return redirect("orders_merchant:case", case_id=case.pk)
