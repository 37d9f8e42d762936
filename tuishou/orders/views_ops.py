"""Customer service's after-sales desk (``/ops/after-sales/``, 客服介入): escalated cases to decide, cases past
the merchant's SLA that the escalation job has not moved yet, and what was decided; one case with the decision
form (refund the buyer, or close the case), through ``aftersales.aftersales_decide`` (audited).

Only customer service and admins: anyone else gets 404, as for a page that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tuishou.core.errors import DomainError
from tuishou.core.pages import form_add_error
from tuishou.orders import aftersales, desk
from tuishou.orders.forms_desk import DecideForm
from tuishou.orders.listings import ServiceCaseListing
from tuishou.orders.models import AfterSalesCase


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The queue, one tab at a time: escalated (oldest first), SLA breaches (most overdue first), decided."""
    try:
        listing = ServiceCaseListing(request)
        if listing.export_requested:
            return listing.export_response()
        now = timezone.now()
        rows = [(case, desk.sla_left(case, now)) for case in listing.page.object_list]
    except DomainError:
        raise Http404 from None
    return render(request, "orders/ops/cases.html", {"listing": listing, "tabs": listing.tab_items(), "rows": rows})


def _case_page(request: HttpRequest, case: AfterSalesCase, form: DecideForm, *, status: int = 200) -> HttpResponse:
    return render(request, "orders/ops/case.html", {
        "case": case, "order": case.order, "form": form, "sla": desk.sla_left(case, timezone.now()),
        "history": list(case.status_changes.all())}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """One case with the order, both sides' words, its history, and the decision form while escalated."""
    try:
        case = desk.service_case(user=request.user, case_id=case_id)
    except DomainError:
        raise Http404 from None
    form = DecideForm(request.POST or None)
    if request.method == "GET":
        return _case_page(request, case, form)
    if form.is_valid():
        try:
            aftersales.aftersales_decide(actor=request.user, case_id=case.pk, refund=form.refund,
                                         decision=form.cleaned_data["decision"])
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Decision recorded; the buyer and the merchant are told."))
            return redirect("orders_ops:case", case_id=case.pk)
    return _case_page(request, case, form, status=400)
