"""The checkout's fast path (issue 13): what ``checkout._submit`` does for an ordinary checkout, in a few
hand-written statements (PostgreSQL only; ``TUISHOU["CHECKOUT_FAST_PATH"]``).

``checkout._submit`` tries it first. It writes the rows the services write, in their lock order (the cart's
lines by pk, the buyer's row, the consumer's binding row, then LAST the SKUs' stock in id order and the
campaigns' allocation in id order, each with the services' conditional update), in ONE transaction:

1. with a cart: its lines locked in pk order and deleted (one ``DELETE … WHERE id IN (SELECT … FOR UPDATE)``);
2. the buyer's row locked (``orders.hoarding``'s lock) with, in the same statement, the address, whether the
   idempotency key was used, the buyer's own promoter, the share link and its promoter, the buyer's binding in
   force and the plan versions in force in the communities that can be credited;
3. the SKUs with product, merchant and running campaign price, and the buyer's unpaid checkouts and units held
   of each SKU (one statement, read after the lock as ``unpaid_limits_check`` reads them);
4. through another promoter's link: the visit inserted and the binding row of the link's community locked (one
   statement), then the binding moved or created as ``stores.attribution`` moves it (one statement);
5. the checkout (``INSERT … RETURNING id``: its id numbers the orders), then every order and every line in ONE
   statement (``INSERT … RETURNING`` feeding the lines' ``INSERT``);
6. the stock, one conditional ``UPDATE`` per SKU in id order, then each campaign's allocation.

Anything else — an unknown address, a used key, a SKU off sale or visibly sold out, a hoarding limit reached, a
sold-out campaign or SKU at the conditional update, a draft plan, a link of the buyer's own sponsor, several
share codes in one checkout, more than one running price for a SKU, a concurrent first binding — rolls this
transaction back and answers None, and the services run exactly as before: they stay the only code that
refuses, so every error code and message is theirs. ``tests/orders/test_checkout_fast.py`` compares the rows
both write for random checkouts.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tuishou.campaigns.models import Campaign, CampaignPrice
from tuishou.catalog.commission import commission_base
from tuishou.catalog.models import Product, Sku
from tuishou.core.errors import DomainError
from tuishou.core.money import from_minor, to_minor
from tuishou.incentives.models import PlanVersion
from tuishou.merchants.models import Merchant
from tuishou.orders.checkout_fast_attribution import Declined, attribution_fast
from tuishou.orders.checkout_requests import LineRequest, order_number_new, request_digest, requests_clean
from tuishou.orders.hoarding import unpaid_limits
from tuishou.orders.models import Address, CartLine, Checkout, Order, OrderLine
from tuishou.orders.services import text_clean

CART, CHECKOUT, ORDER, LINE = (CartLine._meta.db_table, Checkout._meta.db_table, Order._meta.db_table,
                               OrderLine._meta.db_table)
VERSION = PlanVersion._meta.db_table
PENDING = Checkout.Status.PENDING


def checkout_fast_enabled() -> bool:
    """The setting is on and the database is PostgreSQL (the embedded mode on SQLite keeps the services)."""
    return bool(settings.TUISHOU.get("CHECKOUT_FAST_PATH")) and connection.vendor == "postgresql"


def checkout_submit_fast(*, buyer, requests: list[LineRequest] | None, address_id, share_code,
                         key: str) -> Checkout | None:
    """``checkout._submit`` for an ordinary checkout in one transaction; None when the services must run (nothing
    of this attempt is left then). ``requests`` None means the cart; ``key`` is already checked."""
    try:
        share_code = text_clean(share_code, "share_code", 32, required=False)
    except DomainError:
        return None
    if isinstance(address_id, bool) or not isinstance(address_id, int):
        return None
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            return _write(cursor, buyer=buyer, requests=requests, address_id=address_id, share_code=share_code,
                          key=key)
    except (Declined, IntegrityError):
        return None


def _write(cursor, *, buyer, requests, address_id: int, share_code: str, key: str) -> Checkout:
    from tuishou.stores import codes  # stores depends on orders' data, not code (as checkout imports it)
    from tuishou.stores.models import AttributionVisit, ShareLink

    now = timezone.now()
    from_cart = requests is None
    if from_cart:
        cursor.execute(f"DELETE FROM {CART} WHERE id IN (SELECT id FROM {CART} WHERE user_id = %s ORDER BY id "
                       f"FOR UPDATE) RETURNING id, sku_id, quantity, share_code", [buyer.pk])
        try:
            requests = requests_clean([LineRequest(sku_id=s, quantity=q, share_code=c)
                                       for _, s, q, c in sorted(cursor.fetchall())])
        except DomainError:
            raise Declined from None
    line_codes = {r.share_code for r in requests if r.share_code}
    if len(line_codes | ({share_code} if share_code else set())) > 1:
        raise Declined  # several share codes: several attributions, left to the services
    code = codes.normalize(next(iter(line_codes), share_code))
    link_code = code if codes.is_well_formed(code) else ""
    buyer_row = _buyer_locked(cursor, buyer_id=buyer.pk, address_id=address_id, key=key, link_code=link_code,
                              link_table=ShareLink._meta.db_table, now=now)
    address = SimpleNamespace(**{name: buyer_row[name] for name in ("name", "phone", "province", "city",
                                                                    "district", "detail")})
    skus, wanted = _skus_checked(cursor, buyer_id=buyer.pk, requests=requests, now=now)
    by_merchant: OrderedDict[int, list[LineRequest]] = OrderedDict()
    for r in requests:
        by_merchant.setdefault(skus[r.sku_id]["merchant_id"], []).append(r)
    group_codes = [next((r.share_code for r in group if r.share_code), share_code) for group in by_merchant.values()]
    if len(set(group_codes)) > 1:
        raise Declined
    attribution = attribution_fast(cursor, buyer=buyer, row=buyer_row, now=now,
                                   visit_table=AttributionVisit._meta.db_table)
    digest = request_digest(None if from_cart else requests, address, share_code)
    orders = [_order_values(group, skus=skus, address=address, attribution=attribution, code=group_codes[0])
              for group in by_merchant.values()]
    amount = sum((order["total"] for order in orders), Decimal("0.00"))
    minutes = settings.TUISHOU.get("ORDER_PAYMENT_MINUTES", 30)
    created = timezone.now()
    expires = now + timedelta(minutes=minutes)
    cursor.execute(
        f"INSERT INTO {CHECKOUT} (idempotency_key, status, amount, share_code, payment_ref, created_at, expires_at, "
        f"paid_at, cancelled_at, buyer_id, request_digest) VALUES (%s, %s, %s, %s, '', %s, %s, NULL, NULL, %s, %s) "
        f"RETURNING id", [key, PENDING, to_minor(amount), share_code, created, expires, buyer.pk, digest])
    checkout_id = cursor.fetchone()[0]
    for index, order in enumerate(orders):
        order["number"] = order_number_new(now, checkout_id=checkout_id, index=index)
    placed = _orders_insert(cursor, checkout_id=checkout_id, buyer_id=buyer.pk, orders=orders)
    _reserve(cursor, wanted=wanted, skus=skus)
    checkout = Checkout(id=checkout_id, buyer=buyer, idempotency_key=key, request_digest=digest, amount=amount,
                        share_code=share_code, status=PENDING, payment_ref="", created_at=created, expires_at=expires)
    checkout._state.adding, checkout._state.db = False, connection.alias
    checkout.placed_orders = placed
    return checkout


def _version_in_force(community: str) -> str:
    """SQL: the id of the plan version in force in ``community`` (a column) at ``%(at)s``
    (``incentives.selectors.plan_version_in_force``)."""
    return (f"(SELECT v.id FROM {VERSION} v WHERE v.community_id = {community} AND v.published_at <= %(at)s "
            f"AND (v.retired_at IS NULL OR v.retired_at > %(at)s) ORDER BY v.published_at DESC, v.id DESC LIMIT 1)")


_BUYER_NAMES = ("name", "phone", "province", "city", "district", "detail", "key_used", "own_id", "own_community",
                "own_sponsor", "link_id", "link_promoter", "link_community", "bound_promoter", "bound_community",
                "bound_link", "own_version", "link_version", "link_version_status", "link_version_source",
                "bound_version")


def _buyer_locked(cursor, *, buyer_id: int, address_id: int, key: str, link_code: str, link_table: str,
                  now) -> dict:
    """The buyer's row locked (``unpaid_limits_check``'s lock), with what attribution and the checkout read."""
    from tuishou.network.models import Promoter
    from tuishou.stores.models import ConsumerBinding

    promoters, bindings = Promoter._meta.db_table, ConsumerBinding._meta.db_table
    cursor.execute(
        f"SELECT a.name, a.phone, a.province, a.city, a.district, a.detail, "
        f"EXISTS (SELECT 1 FROM {CHECKOUT} c WHERE c.buyer_id = u.id AND c.idempotency_key = %(key)s), "
        f"own.id, own.community_id, own.sponsor_id, l.id, l.promoter_id, lp.community_id, "
        f"b.promoter_id, b.community_id, b.source_link_id, "
        f"{_version_in_force('own.community_id')}, lv.id, lv.status, lv.source, "
        f"{_version_in_force('b.community_id')} "
        f"FROM {_buyer_table()} u "
        f"JOIN {Address._meta.db_table} a ON a.id = %(address)s AND a.user_id = u.id "
        f"LEFT JOIN {promoters} own ON own.user_id = u.id "
        f"LEFT JOIN {link_table} l ON l.code = %(code)s "
        f"LEFT JOIN {promoters} lp ON lp.id = l.promoter_id "
        f"LEFT JOIN {VERSION} lv ON lv.id = {_version_in_force('lp.community_id')} "
        f"LEFT JOIN LATERAL (SELECT promoter_id, community_id, source_link_id FROM {bindings} "
        f"  WHERE consumer_id = u.id AND bound_at <= %(at)s AND (expires_at IS NULL OR expires_at > %(at)s) "
        f"  ORDER BY bound_at DESC, id DESC LIMIT 1) b ON true "
        f"WHERE u.id = %(buyer)s FOR UPDATE OF u",
        {"key": key, "address": address_id, "code": link_code, "at": now, "buyer": buyer_id})
    rows = cursor.fetchall()
    if len(rows) != 1:
        raise Declined  # an address not the buyer's (the services answer orders.address_unknown)
    row = dict(zip(_BUYER_NAMES, rows[0], strict=True))
    if row["key_used"]:
        raise Declined  # a replay (or a reused key): the services answer it
    return row


def _buyer_table() -> str:
    from django.contrib.auth import get_user_model

    return get_user_model()._meta.db_table


_SKU_NAMES = ("id", "active", "price", "stock", "commission_mode", "commission_rate", "commission_amount",
              "spec_name", "title", "product_status", "merchant_id", "merchant_status", "fee_rate", "merchant_name",
              "campaign_price",
              "campaign_id", "campaign_sold", "campaign_allocation", "campaign_mode", "campaign_rate",
              "campaign_amount", "open_checkouts", "held")


def _skus_checked(cursor, *, buyer_id: int, requests: list[LineRequest], now) -> tuple[dict, dict]:
    """The SKUs for sale with their running campaign terms, checked as the services check them: on sale, stock
    and campaign not visibly short, the buyer's hoarding limits."""
    wanted: dict[int, int] = {}
    for r in requests:
        wanted[r.sku_id] = wanted.get(r.sku_id, 0) + r.quantity
    cursor.execute(
        f"SELECT s.id, s.active, s.price, s.stock, s.commission_mode, s.commission_rate, s.commission_amount, "
        f"s.spec_name, p.title, p.status, p.merchant_id, m.status, m.fee_rate, m.name, cp.price, c.id, c.sold, "
        f"c.allocation, c.commission_mode, c.commission_rate, c.commission_amount, "
        f"(SELECT count(*) FROM {CHECKOUT} k WHERE k.buyer_id = %(buyer)s AND k.status = %(pending)s "
        f" AND k.expires_at > %(at)s), "
        f"(SELECT COALESCE(sum(l.quantity), 0) FROM {LINE} l JOIN {ORDER} o ON o.id = l.order_id "
        f" JOIN {CHECKOUT} k ON k.id = o.checkout_id WHERE k.buyer_id = %(buyer)s AND k.status = %(pending)s "
        f" AND k.expires_at > %(at)s AND l.sku_id = s.id) "
        f"FROM {Sku._meta.db_table} s JOIN {Product._meta.db_table} p ON p.id = s.product_id "
        f"JOIN {Merchant._meta.db_table} m ON m.id = p.merchant_id "
        f"LEFT JOIN ({CampaignPrice._meta.db_table} cp JOIN {Campaign._meta.db_table} c ON c.id = cp.campaign_id "
        f" AND c.status = %(launched)s AND c.starts_at <= %(at)s AND c.ends_at > %(at)s) ON cp.sku_id = s.id "
        f"WHERE s.id = ANY(%(ids)s)",
        {"buyer": buyer_id, "pending": PENDING, "at": now, "launched": Campaign.Status.LAUNCHED,
         "ids": sorted(wanted)})
    rows = [dict(zip(_SKU_NAMES, row, strict=True)) for row in cursor.fetchall()]
    skus = {row["id"]: row for row in rows}
    if len(rows) != len(wanted) or len(skus) != len(wanted):
        raise Declined  # unknown SKUs, or two running prices for one
    max_checkouts, max_units = unpaid_limits()
    per_campaign: dict[int, int] = {}
    for sku_id, sku in skus.items():
        if (not sku["active"] or sku["product_status"] != Product.Status.ON_SHELF
                or sku["merchant_status"] != Merchant.Status.ACTIVE or sku["stock"] < wanted[sku_id]
                or sku["held"] + wanted[sku_id] > max_units
                or sku["open_checkouts"] >= max_checkouts):
            raise Declined
        if sku["campaign_id"] is not None:
            per_campaign[sku["campaign_id"]] = per_campaign.get(sku["campaign_id"], 0) + wanted[sku_id]
    for campaign_id, units in per_campaign.items():
        sku = next(s for s in skus.values() if s["campaign_id"] == campaign_id)
        if sku["campaign_sold"] + units > sku["campaign_allocation"]:
            raise Declined
    return skus, wanted


def _order_values(group: list[LineRequest], *, skus: dict, address, attribution: dict, code: str) -> dict:
    """One merchant's order and its lines, priced and snapshotted as ``checkout._order_build`` does."""
    lines = []
    for r in group:
        sku = skus[r.sku_id]
        in_campaign = sku["campaign_id"] is not None
        unit_price = from_minor(sku["campaign_price"] if in_campaign else sku["price"])
        own = (sku["commission_mode"], sku["commission_rate"], _money(sku["commission_amount"]))
        mode, rate, amount = (own if not in_campaign or sku["campaign_mode"] == Campaign.CommissionMode.SKU
                              else (sku["campaign_mode"], sku["campaign_rate"], _money(sku["campaign_amount"])))
        paid = unit_price * r.quantity
        base = commission_base(mode, rate, amount, paid_amount=paid, quantity=r.quantity)
        lines.append({"sku_id": r.sku_id, "title": sku["title"], "spec_name": sku["spec_name"],
                      "unit_price": unit_price, "quantity": r.quantity, "paid": paid, "mode": mode, "rate": rate,
                      "amount": amount, "base": base, "share_code": r.share_code,
                      "campaign_id": sku["campaign_id"]})
    total = sum((line["paid"] for line in lines), Decimal("0.00"))
    base_total = sum((line["base"] for line in lines), Decimal("0.00"))
    return {"merchant_id": skus[group[0].sku_id]["merchant_id"], "fee_rate": skus[group[0].sku_id]["fee_rate"],
            "merchant_name": skus[group[0].sku_id]["merchant_name"],
            "address": address, "attribution": attribution, "share_code": code or "", "total": total,
            "base": base_total, "lines": lines}


def _money(minor: int | None) -> Decimal | None:
    return None if minor is None else from_minor(minor)


def _orders_insert(cursor, *, checkout_id: int, buyer_id: int, orders: list[dict]) -> list[tuple[Order, list]]:
    """Every order of the checkout and every line of them in one statement (ids in the services' order); answer
    them as written (``checkout.placed_orders``, so the API's response need not read them back)."""
    now = timezone.now()
    values, params = [], []
    for order in orders:
        a, who = order["address"], order["attribution"]
        values.append("(%s, %s, '', %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 0, %s, %s, NULL, '', '', %s, "
                      "NULL, NULL, NULL, NULL, NULL, %s, %s, %s, %s, %s, %s, %s, %s)")
        params += [order["number"], Order.Status.CREATED, a.name, a.phone, a.province, a.city, a.district, a.detail,
                   who["self_purchase"], order["share_code"], who["reason"], order["fee_rate"],
                   to_minor(order["total"]), to_minor(order["base"]), to_minor(order["base"]), now, buyer_id,
                   checkout_id, who["community_id"], order["merchant_id"], who["plan_version_id"],
                   who["promoter_id"], who["share_link_id"], who["binding_link_id"]]
    lines = [(order["number"], line) for order in orders for line in order["lines"]]

    def column(name, convert=lambda value: value):
        return [convert(line[name]) for _, line in lines]

    def minor(value):
        return None if value is None else to_minor(value)

    cursor.execute(
        f"WITH placed AS (INSERT INTO {ORDER} (number, status, resume_status, recipient_name, recipient_phone, "
        f"province, city, district, address_detail, self_purchase, share_code, attribution_reason, fee_rate, total, "
        f"refunded_amount, commission_base, commission_base_remaining, chain, carrier, tracking_number, created_at, "
        f"paid_at, shipped_at, received_at, completed_at, cancelled_at, buyer_id, checkout_id, community_id, "
        f"merchant_id, plan_version_id, promoter_id, share_link_id, binding_link_id) VALUES {', '.join(values)} "
        f"RETURNING id, number) "
        f"INSERT INTO {LINE} (title, spec_name, unit_price, quantity, paid_amount, commission_mode, commission_rate, "
        f"commission_amount, commission_base, refunded_quantity, refunded_amount, commission_base_remaining, "
        f"share_code, order_id, sku_id, campaign_id) "
        f"SELECT l.title, l.spec_name, l.unit_price, l.quantity, l.paid, l.mode, l.rate, l.amount, l.base, 0, 0, "
        f"l.base, l.share_code, placed.id, l.sku_id, l.campaign_id "
        f"FROM unnest(%s::int[], %s::text[], %s::text[], %s::text[], %s::bigint[], %s::int[], %s::bigint[], "
        f"%s::text[], %s::numeric[], %s::bigint[], %s::bigint[], %s::text[], %s::bigint[], %s::bigint[]) "
        f"AS l(position, number, title, spec_name, unit_price, quantity, paid, mode, rate, amount, base, share_code, "
        f"sku_id, campaign_id) JOIN placed ON placed.number = l.number ORDER BY l.position RETURNING id, order_id",
        [*params, list(range(len(lines))), [number for number, _ in lines], column("title"), column("spec_name"),
         column("unit_price", to_minor), column("quantity"), column("paid", to_minor), column("mode"),
         column("rate"), column("amount", minor), column("base", to_minor), column("share_code"),
         column("sku_id"), column("campaign_id")])
    return _placed(cursor.fetchall(), checkout_id=checkout_id, buyer_id=buyer_id, orders=orders, now=now)


def _placed(written: list, *, checkout_id: int, buyer_id: int, orders: list[dict], now) -> list[tuple[Order, list]]:
    """The orders and lines just written, as the response shows them (``schemas.checkout_out``)."""
    order_ids = sorted({order_id for _, order_id in written})
    line_ids = iter(line_id for line_id, _ in written)
    if len(order_ids) != len(orders) or len(written) != sum(len(order["lines"]) for order in orders):
        raise Declined
    zero = from_minor(0)
    placed = []
    for order_id, order in zip(order_ids, orders, strict=True):
        a, who = order["address"], order["attribution"]
        row = Order(id=order_id, number=order["number"], status=Order.Status.CREATED, recipient_name=a.name,
                    recipient_phone=a.phone, province=a.province, city=a.city, district=a.district,
                    address_detail=a.detail, self_purchase=who["self_purchase"], share_code=order["share_code"],
                    attribution_reason=who["reason"], fee_rate=order["fee_rate"], total=order["total"],
                    refunded_amount=zero, commission_base=order["base"], commission_base_remaining=order["base"],
                    created_at=now, buyer_id=buyer_id, checkout_id=checkout_id, community_id=who["community_id"],
                    merchant=Merchant(id=order["merchant_id"], name=order["merchant_name"]),
                    plan_version_id=who["plan_version_id"], promoter_id=who["promoter_id"],
                    share_link_id=who["share_link_id"], binding_link_id=who["binding_link_id"])
        lines = [OrderLine(id=next(line_ids), order_id=order_id, sku_id=line["sku_id"], title=line["title"],
                           spec_name=line["spec_name"], unit_price=line["unit_price"], quantity=line["quantity"],
                           paid_amount=line["paid"], commission_mode=line["mode"], commission_rate=line["rate"],
                           commission_amount=line["amount"], commission_base=line["base"], refunded_quantity=0,
                           refunded_amount=zero, commission_base_remaining=line["base"],
                           share_code=line["share_code"], campaign_id=line["campaign_id"])
                 for line in order["lines"]]
        for instance in (row, *lines):
            instance._state.adding, instance._state.db = False, connection.alias
        placed.append((row, lines))
    return placed


def _reserve(cursor, *, wanted: dict[int, int], skus: dict) -> None:
    """LAST, as ``checkout._reserve``: the stock of each SKU in id order, then each campaign's allocation in id
    order, with the services' conditional updates; a refusal is the services' to answer."""
    for sku_id in sorted(wanted):
        cursor.execute(f"UPDATE {Sku._meta.db_table} SET stock = stock - %s WHERE id = %s AND stock >= %s "
                       "RETURNING stock", [wanted[sku_id], sku_id, wanted[sku_id]])
        if cursor.fetchone() is None:
            raise Declined
    per_campaign: dict[int, int] = {}
    for sku_id in sorted(wanted):
        if skus[sku_id]["campaign_id"] is not None:
            campaign_id = skus[sku_id]["campaign_id"]
            per_campaign[campaign_id] = per_campaign.get(campaign_id, 0) + wanted[sku_id]
    for campaign_id in sorted(per_campaign):
        quantity = per_campaign[campaign_id]
        cursor.execute(f"UPDATE {Campaign._meta.db_table} SET sold = sold + %s WHERE id = %s "
                       "AND sold + %s <= allocation RETURNING sold", [quantity, campaign_id, quantity])
        if cursor.fetchone() is None:
            raise Declined
