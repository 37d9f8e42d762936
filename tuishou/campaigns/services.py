"""Writes of hot-product campaigns (爆品): create (a draft), launch (pushed to every community at once), end.

Rules, each a stable error code (``campaigns.*``), checked before anything is written:
- operators (ops) only; the product is on the shelf;
- a title, a starter selling text, a window that ends after it starts, starts now or later (a few minutes of
  typing allowed) and lasts at most ``MAX_DAYS``; no other draft or launched campaign of the product overlaps;
- a campaign price for every active SKU (or one price for all), above zero, at most the retail price and not
  below the supply price;
- an allocation of at least one unit and at most the active SKUs' stock;
- a commission setting: the SKU's own (``sku``), a fraction of the campaign price (``percent``) or a fixed
  commission base per unit (``fixed``, at most the lowest campaign price) — it replaces the SKU's setting for
  lines sold in the campaign and is snapshotted on each order line, so editing nothing later rewrites history.

Launching pushes the campaign to every active community in one transaction: an announcement to each
(``notifications.announcement_publish``), a starter material in each community that has a promoter
(``community.materials.material_publish``, published in the name of the community's first root promoter, the
community head, since a material is always a promoter's), and a ``CampaignPush`` row recording both. From its
start the product heads every supply pool and sells at the campaign's terms until ``ends_at``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tuishou.accounts.models import User
from tuishou.accounts.permissions import Role, require_operator
from tuishou.campaigns.errors import CampaignError
from tuishou.campaigns.models import Campaign, CampaignPrice, CampaignPush
from tuishou.campaigns.transitions import CAMPAIGN
from tuishou.catalog.models import Product, Sku
from tuishou.core.errors import Conflict, InvalidInput, NotFound
from tuishou.core.money import parse_amount
from tuishou.core.transitions import transition_apply
from tuishou.risk.services import audit_record

TITLE_MAX, PITCH_MAX, REASON_MAX, MAX_DAYS = 60, 2000, 200, 90
START_GRACE = timedelta(minutes=5)  # a form filled in for "now" reaches the server a little later
S = Campaign.Status
M = Campaign.CommissionMode


def _text(value, maximum: int) -> str:
    """The text stripped, or "" when it is missing, not text or longer than ``maximum``."""
    text = value.strip() if isinstance(value, str) else ""
    return text if len(text) <= maximum else ""


def _aware(value, field: str) -> datetime:
    """A datetime; a naive one is read in the platform's time zone (a form's local time)."""
    if not isinstance(value, datetime):
        raise InvalidInput(CampaignError.WINDOW_INVALID, details={"field": field})
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _window(starts_at: datetime, ends_at: datetime, *, now: datetime) -> None:
    if ends_at <= starts_at:
        raise InvalidInput(CampaignError.WINDOW_INVALID, details={"field": "ends_at"})
    if ends_at <= now:
        raise InvalidInput(CampaignError.WINDOW_ENDED, ends_at=timezone.localtime(ends_at).strftime("%Y-%m-%d %H:%M"),
                           details={"field": "ends_at"})
    if starts_at < now - START_GRACE:
        raise InvalidInput(CampaignError.STARTS_IN_PAST, details={"field": "starts_at"})
    if ends_at - starts_at > timedelta(days=MAX_DAYS):
        raise InvalidInput(CampaignError.WINDOW_TOO_LONG, days=MAX_DAYS, details={"field": "ends_at"})


def _product(product_id) -> Product:
    if isinstance(product_id, bool) or not isinstance(product_id, int):
        raise InvalidInput(CampaignError.PRODUCT_UNAVAILABLE, title=str(product_id), details={"field": "product_id"})
    # Locked: two operators creating overlapping campaigns of one product are checked one after the other.
    product = Product.objects.select_for_update().select_related("merchant").filter(pk=product_id).first()
    if product is None or product.status != Product.Status.ON_SHELF:
        raise InvalidInput(CampaignError.PRODUCT_UNAVAILABLE, title=product.title if product else str(product_id),
                           details={"field": "product_id"})
    return product


def _prices(skus: list[Sku], price, prices) -> dict[int, Decimal]:
    """{sku_id: campaign price} for every active SKU, from one ``price`` for all or ``prices`` by SKU id."""
    given = {}
    for sku_id, value in (prices or {}).items():
        key = int(sku_id) if str(sku_id).isdigit() else sku_id
        if key not in {s.pk for s in skus}:
            raise InvalidInput(CampaignError.SKU_UNKNOWN, sku_id=sku_id, details={"field": "prices"})
        given[key] = value
    out = {}
    for sku in skus:
        value = given.get(sku.pk, price)
        field = f"prices.{sku.pk}" if sku.pk in given else "price"
        if value is None or value == "":
            raise InvalidInput(CampaignError.PRICE_MISSING, spec=sku.spec_name, details={"field": field})
        amount = parse_amount(value, field=field)
        if amount <= 0:
            raise InvalidInput(CampaignError.PRICE_MISSING, spec=sku.spec_name, details={"field": field})
        if amount > sku.price:
            raise InvalidInput(CampaignError.PRICE_ABOVE_RETAIL, price=amount, spec=sku.spec_name, retail=sku.price,
                               details={"field": field, "sku_id": sku.pk})
        if amount < sku.supply_price:
            raise InvalidInput(CampaignError.PRICE_BELOW_SUPPLY, price=amount, spec=sku.spec_name,
                               supply=sku.supply_price, details={"field": field, "sku_id": sku.pk})
        out[sku.pk] = amount
    return out


def _allocation(allocation, skus: list[Sku]) -> int:
    if isinstance(allocation, bool) or not isinstance(allocation, int) or allocation < 1:
        raise InvalidInput(CampaignError.ALLOCATION_INVALID, details={"field": "allocation"})
    stock = sum(s.stock for s in skus)
    if allocation > stock:
        raise InvalidInput(CampaignError.ALLOCATION_ABOVE_STOCK, allocation=allocation, stock=stock,
                           details={"field": "allocation", "stock": stock})
    return allocation


def _commission(mode, rate, amount, *, lowest: Decimal) -> tuple[str, Decimal | None, Decimal | None]:
    if mode not in M.values:
        raise InvalidInput(CampaignError.COMMISSION_MODE_UNKNOWN, mode=mode, choices=", ".join(M.values),
                           details={"field": "commission_mode"})
    empty = (None, "")
    if mode == M.SKU:
        if rate not in empty or amount not in empty:
            raise InvalidInput(CampaignError.COMMISSION_INVALID, details={"field": "commission_mode"})
        return mode, None, None
    if mode == M.PERCENT:
        if rate in empty or amount not in empty:
            raise InvalidInput(CampaignError.COMMISSION_INVALID, details={"field": "commission_rate"})
        try:
            value = Decimal(str(rate))
        except ArithmeticError:
            value = Decimal("NaN")
        if isinstance(rate, float) or not value.is_finite() or not 0 <= value <= 1 or value != round(value, 4):
            raise InvalidInput(CampaignError.COMMISSION_INVALID, details={"field": "commission_rate"})
        return mode, value, None
    if amount in empty or rate not in empty:
        raise InvalidInput(CampaignError.COMMISSION_INVALID, details={"field": "commission_amount"})
    value = parse_amount(amount, field="commission_amount")
    if value > lowest:
        raise InvalidInput(CampaignError.COMMISSION_ABOVE_PRICE, amount=value, price=lowest,
                           details={"field": "commission_amount"})
    return mode, None, value


def _overlap_check(product: Product, starts_at: datetime, ends_at: datetime, *, exclude: int | None = None) -> None:
    clash = (Campaign.objects.filter(product=product, status__in=(S.DRAFT, S.LAUNCHED),
                                     starts_at__lt=ends_at, ends_at__gt=starts_at)
             .exclude(pk=exclude).order_by("starts_at").first())
    if clash is not None:
        raise Conflict(CampaignError.WINDOW_OVERLAPS, title=clash.title,
                       details={"field": "starts_at", "campaign_id": clash.pk})


def campaign_create(*, actor: User, product_id: int, title: str, pitch: str, starts_at: datetime,
                    ends_at: datetime, allocation: int, price: Decimal | str | None = None,
                    prices: dict[int, Decimal | str] | None = None, commission_mode: str = M.SKU,
                    commission_rate: Decimal | str | None = None,
                    commission_amount: Decimal | str | None = None) -> Campaign:
    """An operator (ops) drafts a campaign for a product (see the module's rules); audited. Nothing reaches
    the communities until ``campaign_launch``."""
    require_operator(actor, Role.OPS)
    now = timezone.now()
    title, pitch = _text(title, TITLE_MAX), _text(pitch, PITCH_MAX)
    if not title:
        raise InvalidInput(CampaignError.TITLE_INVALID, maximum=TITLE_MAX, details={"field": "title"})
    if not pitch:
        raise InvalidInput(CampaignError.PITCH_INVALID, maximum=PITCH_MAX, details={"field": "pitch"})
    starts_at, ends_at = _aware(starts_at, "starts_at"), _aware(ends_at, "ends_at")
    _window(starts_at, ends_at, now=now)
    with transaction.atomic():
        product = _product(product_id)
        skus = list(product.skus.filter(active=True).order_by("pk"))
        by_sku = _prices(skus, price, prices)
        allocation = _allocation(allocation, skus)
        mode, rate, amount = _commission(commission_mode, commission_rate, commission_amount,
                                         lowest=min(by_sku.values(), default=Decimal("0")))
        _overlap_check(product, starts_at, ends_at)
        campaign = Campaign.objects.create(
            product=product, title=title, pitch=pitch, starts_at=starts_at, ends_at=ends_at, allocation=allocation,
            commission_mode=mode, commission_rate=rate, commission_amount=amount, created_by=actor)
        CampaignPrice.objects.bulk_create([CampaignPrice(campaign=campaign, sku_id=sku_id, price=value)
                                           for sku_id, value in by_sku.items()])
        CAMPAIGN.history.objects.create(campaign=campaign, from_status="", to_status=S.DRAFT, actor=actor,
                                        created_at=now)
        audit_record(actor=actor, action="campaigns.create", target=campaign, data={
            "product_id": product.pk, "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat(),
            "allocation": allocation, "prices": {str(k): str(v) for k, v in by_sku.items()},
            "commission": {"mode": mode, "rate": None if rate is None else str(rate),
                           "amount": None if amount is None else str(amount)}})
    return campaign


def _locked(campaign_id: int) -> Campaign:
    campaign = (Campaign.objects.select_for_update(of=("self",)).select_related("product")
                .filter(pk=campaign_id).first() if isinstance(campaign_id, int) else None)
    if campaign is None:
        raise NotFound(CampaignError.CAMPAIGN_UNKNOWN, details={"campaign_id": campaign_id})
    return campaign


def _pushes(*, actor: User, campaign: Campaign) -> list[CampaignPush]:
    from tuishou.community.materials import material_publish
    from tuishou.network.models import Community, Promoter
    from tuishou.notifications.services import announcement_publish

    window = (f"{timezone.localtime(campaign.starts_at):%m-%d %H:%M} – "
              f"{timezone.localtime(campaign.ends_at):%m-%d %H:%M}")
    lowest = min(p.price for p in campaign.prices.all())
    body = (f"爆品「{campaign.product.title}」活动价 ¥{lowest} 起，限量 {campaign.allocation} 件，"
            f"活动时间 {window}。已置顶到货源池，素材专区有现成文案，一键转发。\n\n{campaign.pitch}")
    pushes = []
    for community in Community.objects.filter(active=True).order_by("pk"):
        announcement = announcement_publish(actor=actor, title=f"🔥 爆品：{campaign.title}"[:60], body=body[:2000],
                                            community=community)
        head = (Promoter.objects.filter(community=community, depth=0, frozen_at__isnull=True)
                .select_related("user").order_by("pk").first())
        material = (material_publish(user=head.user, product_id=campaign.product_id, text=campaign.pitch)
                    if head else None)
        pushes.append(CampaignPush(campaign=campaign, community=community, announcement=announcement,
                                   material=material))
    return CampaignPush.objects.bulk_create(pushes)


def campaign_launch(*, actor: User, campaign_id: int) -> Campaign:
    """An operator (ops) launches a draft: checked again (window not ended, product on the shelf, allocation
    still in stock, no overlap), then pushed to every active community in one transaction; audited.
    ``campaigns.window_ended`` when its window is over, ``campaigns.transition_invalid`` when not a draft."""
    require_operator(actor, Role.OPS)
    now = timezone.now()
    with transaction.atomic():
        campaign = _locked(campaign_id)
        CAMPAIGN.check(current=campaign.status, to=S.LAUNCHED)
        if campaign.ends_at <= now:
            raise Conflict(CampaignError.WINDOW_ENDED,
                           ends_at=timezone.localtime(campaign.ends_at).strftime("%Y-%m-%d %H:%M"),
                           details={"campaign_id": campaign.pk})
        product = _product(campaign.product_id)
        skus = [s for s in product.skus.filter(active=True).order_by("pk")]
        priced = set(campaign.prices.values_list("sku_id", flat=True))
        _allocation(campaign.allocation, [s for s in skus if s.pk in priced])
        _overlap_check(product, campaign.starts_at, campaign.ends_at, exclude=campaign.pk)
        transition_apply(campaign, to=S.LAUNCHED, actor=actor, reason="launched to every community", at=now)
        pushes = _pushes(actor=actor, campaign=campaign)
        audit_record(actor=actor, action="campaigns.launch", target=campaign,
                     data={"communities": [p.community_id for p in pushes],
                           "materials": [p.material_id for p in pushes if p.material_id]})
    return campaign


def campaign_end(*, actor: User, campaign_id: int, reason: str) -> Campaign:
    """An operator (ops) ends a campaign early, or withdraws a draft; audited. From then on the product sells at
    its normal price; what was sold keeps its snapshotted campaign terms."""
    require_operator(actor, Role.OPS)
    reason = _text(reason, REASON_MAX)
    if not reason:
        raise InvalidInput(CampaignError.REASON_INVALID, maximum=REASON_MAX, details={"field": "reason"})
    with transaction.atomic():
        campaign = _locked(campaign_id)
        transition_apply(campaign, to=S.ENDED, actor=actor, reason=reason)
        audit_record(actor=actor, action="campaigns.end", target=campaign, reason=reason,
                     data={"sold": campaign.sold, "allocation": campaign.allocation})
    return campaign


def campaigns_finish(*, now: datetime | None = None) -> int:
    """Move launched campaigns whose window is over to ended (the system, no actor); return how many.

    Pricing never needs this (it reads the window); it keeps the status honest on the operators' pages.
    Idempotent: one conditional move per campaign."""
    now = now or timezone.now()
    done = 0
    for campaign in Campaign.objects.filter(status=S.LAUNCHED, ends_at__lte=now).order_by("pk"):
        try:
            with transaction.atomic():
                transition_apply(campaign, to=S.ENDED, reason="window over", at=now)
        except Conflict:  # an operator ended it meanwhile
            continue
        done += 1
    return done
