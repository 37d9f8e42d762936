"""API routes of coupon goods: the coupon zone of the supply pool, my picks and commissions; operators' feed
and order-report imports."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from tuishou.core.api_roles import OPERATORS, PROMOTER, allowed
from tuishou.core.inputs import page_window
from tuishou.coupons import selectors, services
from tuishou.coupons.schemas import (
    CouponCommissionOut as CommissionOut,
)
from tuishou.coupons.schemas import (
    CouponPageQuery as PageQuery,
)
from tuishou.coupons.schemas import (
    FeedImportIn,
    FeedImportOut,
    ItemPageOut,
    PickIn,
    PickOut,
    ReportFetchIn,
    ReportImportOut,
    ReportRowOut,
    commission_out,
    item_out,
    pick_out,
    report_out,
)
from tuishou.network.selectors import promoter_for_user

router = Router(tags=["coupons"])


def _window(query: PageQuery) -> slice:
    limit, offset = page_window(query.limit, query.offset, most=100)  # 400 request.page_invalid below 1 or 0
    return slice(offset, offset + limit)


@router.get("/items", response=ItemPageOut, openapi_extra=allowed(PROMOTER))
def items(request: HttpRequest, query: Query[PageQuery]):
    """Live coupon items (the coupon zone of the supply pool), each with my estimated commission."""
    promoter = promoter_for_user(request.user)
    rows = selectors.live_items(search=query.q[:100], category=query.category[:40])
    page = list(rows[_window(query)])
    earn = selectors.coupon_estimates(promoter, page)
    picked = selectors.picked_item_ids(promoter)
    return {"total": rows.count(), "items": [item_out(i, earn=earn.get(i.pk), picked=i.pk in picked) for i in page]}


@router.post("/picks", response={201: PickOut}, openapi_extra=allowed(PROMOTER))
def pick_add(request: HttpRequest, payload: PickIn):
    """Put a coupon item into my store; the answer carries my tracking link for it."""
    return Status(201, pick_out(services.coupon_pick_add(promoter=promoter_for_user(request.user),
                                                         item_id=payload.item_id)))


@router.get("/picks", response=list[PickOut], openapi_extra=allowed(PROMOTER))
def picks(request: HttpRequest):
    return [pick_out(p) for p in selectors.promoter_picks(promoter_for_user(request.user))]


@router.delete("/picks/{pick_id}", response={204: None}, openapi_extra=allowed(PROMOTER))
def pick_remove(request: HttpRequest, pick_id: int):
    services.coupon_pick_remove(promoter=promoter_for_user(request.user), pick_id=pick_id)
    return Status(204, None)


@router.get("/commissions", response=list[CommissionOut], openapi_extra=allowed(PROMOTER))
def commissions(request: HttpRequest, query: Query[PageQuery]):
    """My coupon commissions, newest first."""
    rows = selectors.promoter_coupon_commissions(promoter_for_user(request.user))
    return [commission_out(c) for c in rows[_window(query)]]


@router.post("/feed-imports", response={201: FeedImportOut}, openapi_extra=allowed(*OPERATORS))
def feed_import_fetch(request: HttpRequest, payload: FeedImportIn):
    """Operators: import the connector's feed."""
    record = services.feed_import(actor=request.user, connector=payload.connector)
    return Status(201, {"id": record.pk, "connector": record.connector, "created": record.created,
                        "updated": record.updated, "skipped": record.skipped, "skips": record.skips})


@router.post("/feed-imports/file", response={201: FeedImportOut}, openapi_extra=allowed(*OPERATORS))
def feed_import_file(request: HttpRequest, file: File[UploadedFile]):
    """Operators: import a feed file (CSV or JSON lines)."""
    record = services.feed_import(actor=request.user, connector="file", data=file.read(), file_name=file.name or "")
    return Status(201, {"id": record.pk, "connector": record.connector, "created": record.created,
                        "updated": record.updated, "skipped": record.skipped, "skips": record.skips})


@router.post("/report-imports", response={201: ReportImportOut}, openapi_extra=allowed(*OPERATORS))
def report_import_file(request: HttpRequest, file: File[UploadedFile]):
    """Operators: import an order report (CSV); rows already imported are skipped as duplicates."""
    report = services.order_report_import(actor=request.user, source="api", data=file.read(),
                                          file_name=file.name or "")
    return Status(201, report_out(report))


@router.post("/report-imports/fetch", response={201: ReportImportOut}, openapi_extra=allowed(*OPERATORS))
def report_import_fetch(request: HttpRequest, payload: ReportFetchIn):
    """Operators: fetch and import the connector's order report of [start, end]."""
    report = services.order_report_import(actor=request.user, source="api", connector=payload.connector,
                                          start=payload.start, end=payload.end)
    return Status(201, report_out(report))


@router.get("/report-imports/{report_id}", response=ReportImportOut, openapi_extra=allowed(*OPERATORS))
def report_import_get(request: HttpRequest, report_id: int):
    return report_out(selectors.report_import_get(actor=request.user, report_id=report_id))


@router.get("/report-imports/{report_id}/rows", response=list[ReportRowOut], openapi_extra=allowed(*OPERATORS))
def report_import_rows(request: HttpRequest, report_id: int, outcome: str = ""):
    report = selectors.report_import_get(actor=request.user, report_id=report_id)
    return list(selectors.report_rows(report=report, outcome=outcome[:16]).values(
        "line", "external_order_id", "reported_status", "tracking_code", "outcome", "reason", "detail")[:5000])
