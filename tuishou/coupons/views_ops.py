"""Operations desk of coupon goods (``/ops/coupons/``): the items, feed imports, order-report imports."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuishou.core.errors import DomainError
from tuishou.core.pages import desk_page, form_add_error
from tuishou.coupons import selectors, services
from tuishou.coupons.listings import CouponItemListing, ReportImportListing, ReportRowListing


class FeedForm(forms.Form):
    connector = forms.ChoiceField(label=gettext_lazy("Source"), choices=(
        ("sandbox", gettext_lazy("Sandbox platform")), ("file", gettext_lazy("Feed file (CSV or JSON lines)"))))
    file = forms.FileField(label=gettext_lazy("Feed file"), required=False)


class ReportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Order report (CSV)"), required=False)
    start = forms.DateField(label=gettext_lazy("From"), required=False)
    end = forms.DateField(label=gettext_lazy("To"), required=False)


@desk_page
def items(request: HttpRequest) -> HttpResponse:
    """The coupon items of every feed, and the forms that import a feed and an order report."""
    listing = CouponItemListing(request)
    if listing.export_requested:
        return listing.export_response()
    today = date.today()
    feed_form, report_form = FeedForm(), ReportForm(initial={"start": today - timedelta(days=30), "end": today})
    if request.method == "POST" and request.POST.get("action") == "feed":
        feed_form = FeedForm(request.POST, request.FILES)
        if feed_form.is_valid():
            upload = feed_form.cleaned_data["file"]
            try:
                record = services.feed_import(actor=request.user, connector=feed_form.cleaned_data["connector"],
                                              data=upload.read() if upload else b"",
                                              file_name=upload.name if upload else "")
                messages.success(request, _("Feed imported: %(created)d new, %(updated)d updated, %(skipped)d "
                                            "skipped.") % {"created": record.created, "updated": record.updated,
                                                           "skipped": record.skipped})
                return redirect("coupon_ops:items")
            except DomainError as exc:
                form_add_error(feed_form, exc)
    elif request.method == "POST" and request.POST.get("action") == "report":
        report_form = ReportForm(request.POST, request.FILES)
        if report_form.is_valid():
            upload, data = report_form.cleaned_data["file"], report_form.cleaned_data
            try:
                report = services.order_report_import(
                    actor=request.user, source="upload" if upload else "connector",
                    data=upload.read() if upload else b"", file_name=upload.name if upload else "",
                    start=data["start"], end=data["end"])
                return redirect("coupon_ops:import", report_id=report.pk)
            except DomainError as exc:
                form_add_error(report_form, exc)
    return render(request, "coupons/ops/items.html", {
        "listing": listing, "feed_form": feed_form, "report_form": report_form,
        "imports": ReportImportListing(request, params={})})


@desk_page
def imports(request: HttpRequest) -> HttpResponse:
    listing = ReportImportListing(request)
    if listing.export_requested:
        return listing.export_response()
    return render(request, "coupons/ops/imports.html", {"listing": listing})


@desk_page
def import_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_import_get(actor=request.user, report_id=report_id)
    listing = ReportRowListing(request, report_id=report.pk)
    if listing.export_requested:
        return listing.export_response()
    return render(request, "coupons/ops/import.html", {"report": report, "listing": listing})


@desk_page
def import_skips(request: HttpRequest, report_id: int) -> HttpResponse:
    """The skipped rows of an import as CSV (what the operator sends back to the platform or fixes)."""
    report = selectors.report_import_get(actor=request.user, report_id=report_id)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["line", "order_id", "status", "tracking_code", "reason", "detail"])
    for row in selectors.report_rows(report=report, skipped_only=True):
        writer.writerow([row.line, row.external_order_id, row.reported_status, row.tracking_code, row.reason,
                         row.detail])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="coupon-import-{report.pk}-skips.csv"'
    return response
