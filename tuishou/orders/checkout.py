"""Checkout (提交订单): price on the server, reserve stock, split by merchant (拆单), snapshot everything.

One transaction: every line is checked, the checkout, its orders and their lines are written, and LAST the
stock is reserved with the catalog's conditional update (SKUs in id order, so two checkouts of the same SKUs
cannot deadlock) and a running campaign's allocation with its own — or, on any bad input, nothing is. Reserving
last keeps a launch SKU's row (every buyer's) locked for a statement or two and the commit instead of the whole
checkout; a SKU or campaign that is visibly sold out is refused first, from a read without a lock
(docs/deployment.md, "A launch minute").
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tuishou.accounts.permissions import require_user
from tuishou.campaigns.pricing import CampaignTerms, campaign_terms_read, campaign_units_reserve
from tuishou.catalog.commission import commission_base
from tuishou.catalog.services import sku_stock_reserve
from tuishou.core.errors import Conflict, DomainError, InvalidInput
from tuishou.incentives.selectors import plan_version_in_force
from tuishou.orders.checkout_requests import LineRequest, order_number_new, request_digest, requests_clean
from tuishou.orders.errors import OrderError
from tuishou.orders.hoarding import unpaid_limits_check
from tuishou.orders.models import CartLine, Checkout, Order, OrderLine
from tuishou.orders.services import address_get, sku_available, text_clean


def checkout_submit(*, buyer, lines, address_id: int, share_code: str | None = None,
                    idempotency_key: str) -> Checkout:
    """Submit a checkout: one ``Order`` per merchant under one ``Checkout``, stock reserved, prices and
    commission settings snapshotted. ``lines``: ``[(sku_id, quantity)]`` or ``[(sku_id, quantity, share_code)]``.

    A client price is never read: prices come from the catalog now (a running 爆品 campaign's price and
    commission setting, its allocation reserved: ``tuishou.campaigns.pricing``). The
    same ``idempotency_key`` from the same buyer with the same request (lines, address, share code) returns the
    first checkout; with anything else it is ``orders.idempotency_key_reused`` (409), as for payments and
    withdrawals. Each order is attributed (``stores.attribution.attribution_resolve``) with the share code of
    its first line that has one, else ``share_code``, and records the plan version in force in the credited
    community.

    Raises ``orders.quantity_invalid``, ``orders.sku_unavailable``, ``orders.out_of_stock``,
    ``orders.too_many_unpaid``, ``orders.unpaid_units_limit`` (``orders.hoarding``), ``orders.address_unknown``,
    ``orders.idempotency_key_invalid``, ``orders.idempotency_key_reused``, ``campaigns.sold_out``;
    nothing is written then.
    """
    return _submit(buyer=buyer, requests=requests_clean(lines), address_id=address_id, share_code=share_code,
                   idempotency_key=idempotency_key)


def checkout_submit_from_cart(*, buyer, address_id: int, share_code: str | None = None,
                              idempotency_key: str) -> Checkout:
    """Check out every line of the buyer's cart (each with the share code it was added with), as
    ``checkout_submit`` does, and remove those lines from the cart in the same transaction.

    A replay of the key answers the first checkout and leaves the cart as it is now; ``orders.lines_empty``
    when the cart is empty.
    """
    return _submit(buyer=buyer, requests=None, address_id=address_id, share_code=share_code,
                   idempotency_key=idempotency_key)


def _submit(*, buyer, requests: list[LineRequest] | None, address_id: int, share_code: str | None,
            idempotency_key: str) -> Checkout:
    """``requests`` None means "the cart": it is read, locked and emptied inside the transaction."""
    require_user(buyer)
    key = (idempotency_key or "").strip()
    if not 8 <= len(key) <= 64:
        raise InvalidInput(OrderError.IDEMPOTENCY_KEY_INVALID,
                           details={"field": "idempotency_key"})
    from tuishou.orders import checkout_fast  # it builds on this module; PostgreSQL, TUISHOU["CHECKOUT_FAST_PATH"]

    if checkout_fast.checkout_fast_enabled():
        fast = checkout_fast.checkout_submit_fast(buyer=buyer, requests=requests, address_id=address_id,
                                                  share_code=share_code, key=key)
        if fast is not None:
            return fast
    address = address_get(user=buyer, address_id=address_id)
    share_code = text_clean(share_code, "share_code", 32, required=False)
    digest = request_digest(requests, address, share_code)
    first = _replay(buyer, key, digest)
    if first is not None:
        return first
    try:
        with transaction.atomic():
            cart = []
            if requests is None:
                cart = list(CartLine.objects.select_for_update().filter(user=buyer).order_by("pk"))
                # Under the cart's locks a concurrent submit of this key has committed (seen now) or not started.
                first = _replay(buyer, key, digest)
                if first is not None:
                    return first
                requests = requests_clean([LineRequest(sku_id=c.sku_id, quantity=c.quantity,
                                                       share_code=c.share_code) for c in cart])
                CartLine.objects.filter(pk__in=[c.pk for c in cart]).delete()  # before the hot rows are locked
            return _checkout_write(buyer=buyer, requests=requests, address=address, share_code=share_code,
                                   key=key, digest=digest)
    except IntegrityError:
        # The same key submitted twice at once: the first transaction won, return its checkout.
        first = _replay(buyer, key, digest)
        if first is None:
            raise
        return first


def _replay(buyer, key: str, digest: str) -> Checkout | None:
    first = Checkout.objects.filter(buyer=buyer, idempotency_key=key).first()
    # Checkouts from before the digest was recorded have none: those replay as they always did.
    if first is not None and first.request_digest and first.request_digest != digest:
        raise Conflict(OrderError.IDEMPOTENCY_KEY_REUSED,
                       details={"checkout_id": first.pk})
    return first


def _checkout_write(*, buyer, requests: list[LineRequest], address, share_code: str, key: str,
                    digest: str) -> Checkout:
    from tuishou.stores.attribution import attribution_resolve  # stores depends on orders' data, not code

    now = timezone.now()
    skus = {r.sku_id: sku_available(r.sku_id) for r in requests}
    wanted: dict[int, int] = {}
    for r in requests:
        wanted[r.sku_id] = wanted.get(r.sku_id, 0) + r.quantity
    titles = {sku_id: sku.product.title for sku_id, sku in skus.items()}
    unpaid_limits_check(buyer=buyer, wanted=wanted, titles=titles, now=now)
    # Refuse early, from what was read without a lock: a visibly sold-out SKU or campaign is answered before
    # anything is locked. 爆品: SKUs in a running campaign sell at its terms.
    for sku_id in sorted(wanted):
        if skus[sku_id].stock < wanted[sku_id]:
            raise _out_of_stock(skus[sku_id], wanted[sku_id], skus[sku_id].stock)
    terms = campaign_terms_read(wanted=wanted, titles=titles, now=now)
    by_merchant: OrderedDict[int, list[LineRequest]] = OrderedDict()
    for r in requests:
        by_merchant.setdefault(skus[r.sku_id].product.merchant_id, []).append(r)
    minutes = settings.TUISHOU.get("ORDER_PAYMENT_MINUTES", 30)
    attributions: dict[str, object] = {}  # one resolution (one recorded visit) per share code
    versions: dict[int, object] = {}  # the plan versions in force at ``now`` by community, read once each
    orders: list[tuple[Order, list[OrderLine]]] = []
    for group in by_merchant.values():
        code = next((r.share_code for r in group if r.share_code), share_code)
        if code not in attributions:
            attributions[code] = attribution_resolve(buyer=buyer, share_code=code or None, at=now, versions=versions)
        orders.append(_order_build(buyer=buyer, address=address, group=group, skus=skus, now=now,
                                   share_code=code, attribution=attributions[code], versions=versions,
                                   terms=terms))
    # Priced before it is written: the checkout is inserted with its amount, the orders and then all their
    # lines in one insert each.
    amount = sum((order.total for order, _ in orders), Decimal("0.00"))
    checkout = Checkout.objects.create(buyer=buyer, idempotency_key=key, request_digest=digest, amount=amount,
                                       share_code=share_code, expires_at=now + timedelta(minutes=minutes))
    for index, (order, _) in enumerate(orders):
        order.checkout = checkout
        order.number = order_number_new(now, checkout_id=checkout.pk, index=index)
    Order.objects.bulk_create([order for order, _ in orders])
    for order, rows in orders:
        for row in rows:
            row.order = order
    OrderLine.objects.bulk_create([row for _, rows in orders for row in rows])
    _reserve(wanted=wanted, skus=skus, terms=terms, titles=titles)
    return checkout


def _reserve(*, wanted: dict[int, int], skus: dict, terms: dict[int, CampaignTerms],
             titles: dict[int, str]) -> None:
    """Reserve LAST, just before the commit: the stock (SKUs in id order), then the campaigns' allocation
    (campaign id order). A launch SKU's row and its campaign's row are every buyer's, and their locks are held
    until commit, so they are taken after everything else of the checkout is read and written. The conditional
    updates decide the last units; a refusal here rolls the whole checkout back."""
    for sku_id in sorted(wanted):
        try:
            sku_stock_reserve(sku_id=sku_id, quantity=wanted[sku_id])
        except DomainError as exc:
            raise _out_of_stock(skus[sku_id], wanted[sku_id], exc.details.get("available", 0)) from None
    campaign_units_reserve(wanted=wanted, terms=terms, titles=titles)


def _out_of_stock(sku, requested: int, available: int) -> Conflict:
    return Conflict(OrderError.OUT_OF_STOCK, available=available, title=sku.product.title,
                    details={"sku_id": sku.pk, "available": available, "requested": requested})


def _order_build(*, buyer, address, group, skus, now, share_code, attribution, versions: dict,
                 terms: dict[int, CampaignTerms]) -> tuple[Order, list[OrderLine]]:
    """One merchant's order of a checkout and its lines, priced and snapshotted, not yet written."""
    merchant = skus[group[0].sku_id].product.merchant
    version = None
    if attribution.community_id is not None:
        if attribution.community_id not in versions:
            versions[attribution.community_id] = plan_version_in_force(community_id=attribution.community_id, at=now)
        version = versions[attribution.community_id]
    rows = []
    for r in group:
        sku = skus[r.sku_id]
        campaign = terms.get(sku.pk)
        unit_price = campaign.price if campaign else sku.price
        mode, rate, amount = (campaign.setting_for(sku) if campaign
                              else (sku.commission_mode, sku.commission_rate, sku.commission_amount))
        paid = unit_price * r.quantity
        base = commission_base(mode, rate, amount, paid_amount=paid, quantity=r.quantity)
        rows.append(OrderLine(
            sku=sku, title=sku.product.title, spec_name=sku.spec_name, unit_price=unit_price, quantity=r.quantity,
            paid_amount=paid, commission_mode=mode, commission_rate=rate, commission_amount=amount,
            commission_base=base, commission_base_remaining=base, share_code=r.share_code,
            campaign_id=campaign.campaign_id if campaign else None))
    total = sum((row.paid_amount for row in rows), Decimal("0.00"))
    base_total = sum((row.commission_base for row in rows), Decimal("0.00"))
    order = Order(
        buyer=buyer, merchant=merchant,
        recipient_name=address.name, recipient_phone=address.phone, province=address.province, city=address.city,
        district=address.district, address_detail=address.detail,
        promoter_id=attribution.promoter_id, self_purchase=attribution.self_purchase,
        share_link_id=attribution.share_link_id, share_code=share_code or "", attribution_reason=attribution.reason,
        binding_link_id=attribution.binding_link_id,
        community_id=attribution.community_id, plan_version=version, fee_rate=merchant.fee_rate,
        total=total, commission_base=base_total, commission_base_remaining=base_total)
    return order, rows
