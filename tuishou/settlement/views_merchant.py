"""The merchant desk's statements (商家对账单): month by month from the ledger, any period of the merchant's
choosing, one month's movements; each as CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET

from tuishou.core.errors import DomainError
from tuishou.core.pages import form_add_error
from tuishou.merchants.models import MerchantStaff
from tuishou.merchants.portal import merchant_page
from tuishou.settlement import statements
from tuishou.settlement.listings import StatementLinesListing

FIGURES = (("opening", _("Opening balance")), ("sales", _("Sales")), ("platform_fee", _("Platform fee")),
           ("commissions", _("Commissions borne")), ("refunds", pgettext_lazy("statement", "Refunds")),
           ("withdrawals", pgettext_lazy("statement", "Withdrawals")),
           ("other", _("Other")), ("closing", _("Closing balance")), ("closing_pending", _("of which pending")),
           ("closing_available", _("of which available")), ("closing_frozen", _("of which in withdrawal")))


class RangeForm(forms.Form):
    first = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    last = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def figures_of(statement: statements.Statement) -> list[tuple]:
    """The statement's figures with their column names (a phone shows each cell with its name)."""
    return [(label, getattr(statement, key)) for key, label in FIGURES]


def statements_csv(rows: list[statements.Statement], filename: str) -> HttpResponse:
    """The statements as CSV (UTF-8 with a BOM, so a spreadsheet reads Chinese); money as plain decimals."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(_("Period"))] + [str(label) for _key, label in FIGURES])
    for row in rows:
        writer.writerow([row.label] + [format(getattr(row, key), "f") for key, _label in FIGURES])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@merchant_page
def statement_list(request: HttpRequest, membership: MerchantStaff) -> HttpResponse:
    """The last twelve months, newest first, and a statement for the period chosen in the form (``first`` to
    ``last``); ``?export=csv`` downloads the months."""
    merchant = membership.merchant
    form = RangeForm(request.GET if "first" in request.GET else None)
    chosen = None
    if form.is_bound and form.is_valid():
        try:
            chosen = statements.merchant_statement_range(actor=request.user, merchant_id=merchant.pk,
                                                         first=form.cleaned_data["first"],
                                                         last=form.cleaned_data["last"])
        except DomainError as exc:
            form_add_error(form, exc)
    if chosen is not None and request.GET.get("export") == "csv":
        return statements_csv([chosen], f"statement-{merchant.pk}-{chosen.start:%Y%m%d}.csv")
    months = statements.merchant_statements_monthly(actor=request.user, merchant_id=merchant.pk)
    if request.GET.get("export") == "csv":
        return statements_csv(months, f"statements-{merchant.pk}-{timezone.localdate():%Y%m%d}.csv")
    if not form.is_bound:
        today = timezone.localdate()
        form = RangeForm(initial={"first": today - timedelta(days=29), "last": today})
    shown = statements.statements_since_first_movement(months)
    return render(request, "settlement/merchant/statements.html", {
        "merchant": merchant, "months": [(s, figures_of(s)) for s in shown], "quiet_months": len(months) - len(shown),
        "form": form, "figures": FIGURES,
        "chosen": (chosen, figures_of(chosen)) if chosen is not None else None})


@require_GET
@merchant_page
def statement_month(request: HttpRequest, membership: MerchantStaff, period: str) -> HttpResponse:
    """One month: its figures and every movement of the merchant's balance in it (a desk list, CSV)."""
    merchant = membership.merchant
    statement = statements.merchant_statement_month(actor=request.user, merchant_id=merchant.pk, period=period)
    listing = StatementLinesListing(request, merchant_id=merchant.pk, start=statement.start.isoformat(),
                                    end=statement.end.isoformat())
    if listing.export_requested:
        return listing.export_response()
    return render(request, "settlement/merchant/statement.html", {
        "merchant": merchant, "statement": statement, "listing": listing,
        "figures": [(key, label, getattr(statement, key)) for key, label in FIGURES]})
