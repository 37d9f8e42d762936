"""Desk lists of coupon goods (``tuishou.core.listing``): the items of the feeds, the order-report imports."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuishou.core.listing import Column, Filter, Listing
from tuishou.coupons import selectors
from tuishou.coupons.models import CouponItem, ReportImport, ReportRow

PLATFORM_NAMES = {"sandbox": _("Sandbox platform")}  # a connector's name as an operator reads it


def _platform(item: CouponItem) -> str:
    return str(PLATFORM_NAMES.get(item.platform, item.platform))


def _rate(item: CouponItem) -> str:
    """``0.1500`` → ``15%``, ``0.0625`` → ``6.25%``: the platform's commission rate as the operator reads it."""
    return f"{(item.commission_rate * 100).quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".") + "%"


def _live(item: CouponItem) -> str:
    return str(_("On sale") if item.valid_until > timezone.now() else _("Expired"))


class CouponItemListing(Listing):
    name = "coupons.items"
    columns = (Column("title", _("Coupon item")),
               Column("platform", _("Platform"), value=_platform),
               Column("category", _("Category")),
               Column("price", _("Price"), num=True, money=True, sort="price"),
               Column("coupon_amount", _("Coupon"), num=True, money=True),
               Column("commission_rate", _("Commission rate"), value=_rate, num=True),
               Column("valid_until", _("Valid until"), sort="ends"),
               Column("state", _("State"), value=_live, short=True),
               Column("external_id", _("External id"), show=False))
    search = ("title", "external_id")
    filters = (Filter("state", _("State"), choices=(("live", _("On sale")), ("expired", _("Expired"))),
                      apply=lambda rows, v: rows.filter(valid_until__gt=timezone.now()) if v == "live"
                      else rows.filter(valid_until__lte=timezone.now())),)
    sorts = {"new": (_("Newest"), ("-id",)), "price": (_("Price"), ("price", "id")),
             "ends": (_("Ending first"), ("valid_until", "id"))}

    def rows(self) -> QuerySet[CouponItem]:
        return selectors.items_for_ops(actor=self.user)


class ReportImportListing(Listing):
    name = "coupons.report_imports"
    columns = (Column("id", _("Import"), link=lambda r: f"/ops/coupons/imports/{r.pk}/"),
               Column("created_at", _("Time"), sort="new"),
               Column("source", _("Source"), value=lambda r: r.get_source_display()),
               Column("file_name", _("File")),
               Column("rows", _("Rows"), num=True),
               Column("imported", _("Imported"), num=True),
               Column("reversed", _("Reversed"), num=True),
               Column("skipped", _("Skipped"), num=True),
               Column("commission_total", _("Net commissions booked"), num=True, money=True))
    search = ("file_name",)
    filters = (Filter("source", _("Source"), choices=ReportImport.Source.choices),)
    sorts = {"new": (_("Newest"), ("-id",)), "old": (_("Oldest"), ("id",))}

    def rows(self) -> QuerySet[ReportImport]:
        return selectors.report_imports(actor=self.user)


class ReportRowListing(Listing):
    """The rows of one import (scope: ``report_id``)."""

    name = "coupons.report_rows"
    columns = (Column("line", _("Line"), num=True, sort="line"),
               Column("external_order_id", _("External order")),
               Column("reported_status", _("Status")),
               Column("tracking_code", _("Tracking code")),
               Column("outcome", _("Outcome"), value=lambda r: r.get_outcome_display()),
               Column("reason", _("Reason")),
               Column("detail", _("Detail")))
    search = ("external_order_id", "tracking_code")
    filters = (Filter("outcome", _("Outcome"), choices=ReportRow.Outcome.choices),)
    sorts = {"line": (_("Line"), ("line",))}
    per_page = 50

    def rows(self) -> QuerySet[ReportRow]:
        report = selectors.report_import_get(actor=self.user, report_id=self.scope["report_id"])
        return selectors.report_rows(report=report)
