"""Operations' reports (/ops/): the dashboard with its charts and the income disclosure with its CSV export.

Every operator role may read them; anybody else gets the same 404 as a page that does not exist.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tuishou.core.errors import DomainError, NotAuthenticated, PermissionDenied
from tuishou.core.pages import form_add_error
from tuishou.reports.forms import DashboardForm, ScopeForm
from tuishou.reports.selectors.dashboard import ops_dashboard
from tuishou.reports.selectors.income import income_csv_rows, income_disclosure
from tuishou.reports.selectors.scope import period_resolve, require_report_reader, scope_choices, scope_resolve


def operator_page(view: Callable) -> Callable:
    """Refuse everybody but operators with a 404 (the page's existence is not disclosed)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            require_report_reader(request.user)
        except (NotAuthenticated, PermissionDenied):
            raise Http404 from None
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
@operator_page
def dashboard(request: HttpRequest) -> HttpResponse:
    """GMV, orders, promoters, payout ratio and after-sales health for a date range and a scope."""
    communities, merchants = scope_choices()
    form = DashboardForm(request.GET or None, communities=communities)
    board = None
    if form.is_bound and not form.is_valid():
        pass
    else:
        data = form.cleaned_data if form.is_bound else {}
        try:
            period = period_resolve(first=data.get("start"), last=data.get("end"))
            scope = scope_resolve(community=data.get("community", ""), kind=data.get("kind", ""),
                                  merchant=data.get("merchant"))
            board = ops_dashboard(user=request.user, period=period, scope=scope)
        except DomainError as exc:
            form_add_error(form, exc)
    return render(request, "reports/ops/dashboard.html", {
        "form": form, "board": board, "communities": communities, "merchants": merchants,
        "kpis": {k.key: k for k in board.kpis} if board else {}})


@require_GET
@operator_page
def income(request: HttpRequest) -> HttpResponse:
    """The income disclosure by rank and community over the last 12 months; ``?format=csv`` downloads it."""
    communities, _merchants = scope_choices()
    form = ScopeForm(request.GET or None, communities=communities)
    report = None
    if not form.is_bound or form.is_valid():
        try:
            scope = scope_resolve(community=form.cleaned_data.get("community", "") if form.is_bound else "")
            report = income_disclosure(user=request.user, scope=scope)
        except DomainError as exc:
            form_add_error(form, exc)
    if report is not None and request.GET.get("format") == "csv":
        out = io.StringIO()
        out.write("\ufeff")  # a BOM, so that spreadsheet programs read the Chinese names as UTF-8
        csv.writer(out).writerows(income_csv_rows(report))
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (f'attachment; filename="income-disclosure-{report.period.first}-'
                                           f'{report.period.last}.csv"')
        return response
    return render(request, "reports/ops/income.html", {"form": form, "report": report, "communities": communities})
