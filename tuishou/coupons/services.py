"""Writes of coupon goods: feed imports, picks into a store, clicks through a tracking link, order reports."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from tuishou.accounts.permissions import require_operator
from tuishou.core.errors import Conflict, InvalidInput, NotFound
from tuishou.coupons.connectors import RawRow, connector_get
from tuishou.coupons.errors import CouponError
from tuishou.coupons.models import CouponItem, CouponPick, FeedImport, ReportImport
from tuishou.coupons.parsing import RowSkip, feed_item_parse
from tuishou.network.models import Promoter
from tuishou.risk.services import audit_record

CODE_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


def default_connector() -> str:
    return getattr(settings, "TUISHOU_COUPON_CONNECTOR", "sandbox")


def feed_import(*, actor, connector: str | None = None, data: bytes = b"", file_name: str = "",
                options: dict | None = None, system: bool = False) -> FeedImport:
    """Import a platform's feed (the file's ``data`` for the file connector): new items are added, known ones
    (same platform and external id) updated; malformed rows are skipped with their reason. One transaction.
    ``system``: the demo or a command, with no operator signed in."""
    if not system:
        require_operator(actor)
    name = connector or default_connector()
    source = connector_get(name, **({"feed_data": data} if name == "file" else options or {}))
    rows = list(source.feed())
    if not rows:
        raise InvalidInput(CouponError.FEED_EMPTY, details={"field": "file"})
    platform = "file" if name == "file" else name
    with transaction.atomic():
        actor = actor if getattr(actor, "pk", None) else None
        record = FeedImport.objects.create(connector=name, source=file_name[:200], actor=actor)
        known = {i.external_id: i for i in CouponItem.objects.filter(platform=platform)}
        created = updated = 0
        skips, seen = [], set()
        for line, cells in rows:
            try:
                item = feed_item_parse(cells)
                if item.external_id in seen:
                    raise RowSkip("duplicate", f"external_id {item.external_id} earlier in this file")
            except RowSkip as skip:
                skips.append({"line": line, "reason": skip.reason, "detail": skip.detail})
                continue
            seen.add(item.external_id)
            values = {"title": item.title, "images": list(item.images), "category": item.category,
                      "price": item.price, "coupon_amount": item.coupon_amount,
                      "coupon_starts_at": item.coupon_starts_at, "coupon_ends_at": item.coupon_ends_at,
                      "valid_until": item.valid_until, "commission_rate": item.commission_rate,
                      "external_link": item.link, "feed_import": record}
            if item.external_id in known:
                CouponItem.objects.filter(pk=known[item.external_id].pk).update(**values, updated_at=timezone.now())
                updated += 1
            else:
                CouponItem.objects.create(platform=platform, external_id=item.external_id, **values)
                created += 1
        record.created, record.updated, record.skipped, record.skips = created, updated, len(skips), skips
        record.save()
        audit_record(actor=actor, action="coupons.feed_import", target=record,
                     data={"connector": name, "created": created, "updated": updated, "skipped": len(skips)})
    return record


def tracking_code_new() -> str:
    """An unguessable tracking code (推广位): 16 random characters, ~80 bits."""
    return "ts" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))


def coupon_pick_add(*, promoter: Promoter, item_id: int) -> CouponPick:
    """Put a live coupon item into the promoter's store; picking it again after removing it brings back the same
    tracking code (links already shared keep working). ``coupons.pick_exists`` if it is in the store."""
    item = CouponItem.objects.filter(pk=item_id, valid_until__gt=timezone.now()).first()
    if item is None:
        raise NotFound(CouponError.ITEM_UNKNOWN, details={"field": "item_id"})
    with transaction.atomic():
        pick = CouponPick.objects.select_for_update().filter(promoter=promoter, item=item).first()
        if pick is not None and not pick.removed:
            raise Conflict(CouponError.PICK_EXISTS, details={"field": "item_id"})
        if pick is not None:
            pick.removed = False
            pick.save(update_fields=["removed"])
            return pick
        try:
            with transaction.atomic():
                return CouponPick.objects.create(promoter=promoter, item=item, tracking_code=tracking_code_new())
        except IntegrityError:  # a concurrent pick of the same item won
            raise Conflict(CouponError.PICK_EXISTS, details={"field": "item_id"}) from None


def coupon_pick_remove(*, promoter: Promoter, pick_id: int) -> CouponPick:
    """Take a coupon item off the promoter's store (the tracking code keeps crediting earlier clicks' orders)."""
    updated = CouponPick.objects.filter(pk=pick_id, promoter=promoter, removed=False).update(removed=True)
    if not updated:
        raise NotFound(CouponError.PICK_UNKNOWN, details={"field": "pick_id"})
    return CouponPick.objects.get(pk=pick_id)


def coupon_click(*, code: str) -> str:
    """Count a click on a tracking link and answer where it goes: the item's external link carrying our tracking
    code. ``coupons.code_unknown`` for a code that is not ours, an item expired or taken off the store."""
    pick = (CouponPick.objects.select_related("item")
            .filter(tracking_code=code, removed=False, item__valid_until__gt=timezone.now()).first())
    if pick is None:
        raise NotFound(CouponError.CODE_UNKNOWN)
    CouponPick.objects.filter(pk=pick.pk).update(clicks=F("clicks") + 1)
    link = pick.item.external_link
    return f"{link}{'&' if '?' in link else '?'}pid={pick.tracking_code}"


def order_report_import(*, actor, source: str, connector: str | None = None, data: bytes = b"",
                        file_name: str = "", start: date | None = None, end: date | None = None,
                        method: str = "auto", system: bool = False) -> ReportImport:
    """Import an order report: ``data`` (a file, for the file connector) or the connector's report of
    [start, end]. ``method``: ``rows`` (row by row, ``importing``), ``set`` (set-based, ``bulk``: PostgreSQL) or
    ``auto`` (set-based on PostgreSQL from ``bulk.BULK_MIN_ROWS`` rows). Both give the same orders, commissions,
    result rows, commission lines, refunds and balances (the set path posts one accrual and one settlement entry per
    import, the row path one per order); a plan the set-based path cannot price falls back to the row path.
    ``system``: a scheduled or command-line import with no operator signed in."""
    if not system:
        require_operator(actor)
    name = connector or ("file" if data else default_connector())
    from tuishou.coupons import bulk, bulk_stage, importing

    raw = None
    rows: Iterable[RawRow] = []
    if name == "file":
        big = method == "set" or (method == "auto" and data.count(b"\n") > bulk.BULK_MIN_ROWS)
        # The set-based path reads a plain CSV file itself (COPY); anything else goes through the connector.
        raw = bulk_stage.raw_report(data) if bulk.available() and method != "rows" and big else None
        if raw is None:
            rows = list(connector_get("file", report_data=data).order_report())
    else:
        if start is None or end is None or start > end:
            raise InvalidInput(CouponError.DATES_INVALID, reason="give a start and an end, the start first",
                               details={"field": "start"})
        codes = list(CouponPick.objects.order_by("pk").values_list("tracking_code", flat=True))
        rows = list(connector_get(name).order_report(start=start, end=end, tracking_codes=codes))
    platform = name
    use_set = bulk.available() and (raw is not None or method == "set"
                                    or (method == "auto" and len(rows) >= bulk.BULK_MIN_ROWS))
    with transaction.atomic():
        report = ReportImport.objects.create(connector=platform, source=source, file_name=file_name[:200],
                                             actor=actor if getattr(actor, "pk", None) else None,
                                             method="set" if use_set else "rows")
        audit_record(actor=actor if getattr(actor, "pk", None) else None, action="coupons.report_import",
                     target=report, data={"connector": platform, "source": source, "file": file_name[:200]})
    if use_set:
        try:
            return bulk.report_bulk_import(report=report, raw=raw, rows=rows)
        except bulk.NotLinear:
            report.method = "rows"
            report.save(update_fields=["method"])
            if raw is not None:
                rows = list(connector_get("file", report_data=data).order_report())
    return importing.report_rows_import(report=report, rows=rows)
