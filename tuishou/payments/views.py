"""The sandbox gateway's pay page: the payer confirms (pay) or fails an attempt (fail)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tuishou.core.errors import DomainError, NotFound
from tuishou.core.pages import error_message
from tuishou.payments import sandbox
from tuishou.payments.return_urls import return_url_allowed
from tuishou.payments.sandbox_models import SandboxCharge


@require_http_methods(["GET", "POST"])
def sandbox_pay(request: HttpRequest, txn_id: str) -> HttpResponse:
    """Show the charge; on "pay" mark it paid and go back to the merchant's return URL."""
    try:
        charge = sandbox.sandbox_charge_get(txn_id=txn_id)
    except NotFound:
        raise Http404("No such sandbox payment.") from None
    message = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ("pay", "fail"):
            return HttpResponseBadRequest(_("Choose pay or fail."))
        try:
            if action == "pay":
                charge = sandbox.sandbox_charge_pay(txn_id=txn_id)
                if return_url_allowed(charge.return_url):  # checked at the start; charges from before too
                    return HttpResponseRedirect(charge.return_url)
            else:
                charge = sandbox.sandbox_charge_fail(txn_id=txn_id)
                message = _("The payment failed (simulated: insufficient balance). You can try again.")
        except DomainError as exc:
            message = error_message(exc)
    return render(request, "payments/sandbox_pay.html",
                  {"charge": charge, "paid": charge.status == SandboxCharge.Status.PAID, "message": message,
                   "return_url": charge.return_url if return_url_allowed(charge.return_url) else ""})
