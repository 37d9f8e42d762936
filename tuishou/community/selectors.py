"""Reads of the materials marketplace: a material with its figures, the materials of a product or a
community ranked, and what a material helped sell.

**Ranking, with time decay.** Every citation and every citation-led order (an order placed through a link
that carried the material) counts ``0.5 ** (age in days / 14)``: a reuse two weeks old weighs half a reuse
today, one two months old a sixteenth. The three orders of a ranking:
- ``citations``: decayed citations;
- ``orders``: decayed citation-led orders (paid and not cancelled);
- ``rating``: the average rating pulled towards the marketplace-wide prior of 3.5 by five phantom votes
  (``(5 × 3.5 + Σ scores) / (5 + n)``), so one 5-star vote does not beat fifty 4.8s.
Ties fall to the newer material. Only visible materials are ranked.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from tuishou.community.errors import CommunityError
from tuishou.community.models import Citation, Material, Rating
from tuishou.core.errors import InvalidInput, NotFound
from tuishou.orders.models import Order
from tuishou.stores.models import ShareClick

HALF_LIFE_DAYS = 14
HORIZON_DAYS = 180
PRIOR_MEAN, PRIOR_VOTES = 3.5, 5
ORDERS = ("citations", "orders", "rating")


@dataclass(frozen=True)
class MaterialFigures:
    citations: int
    clicks: int
    orders: int
    gmv: Decimal
    rating: float | None
    ratings: int


def decay(age_days: int) -> float:
    return 0.5 ** (max(age_days, 0) / HALF_LIFE_DAYS)


def material_get(*, material_id: int, visible_only: bool = True) -> Material:
    rows = Material.objects.select_related("author__user", "product").prefetch_related("images")
    material = rows.filter(pk=material_id).first()
    if material is None or (visible_only and material.status != Material.Status.VISIBLE):
        raise NotFound(CommunityError.MATERIAL_UNKNOWN)
    return material


def material_figures(material: Material) -> MaterialFigures:
    """What a material did, all time: citations, clicks and paid orders through the links that carried it."""
    orders = Order.objects.filter(share_link__material=material, paid_at__isnull=False).exclude(
        status=Order.Status.CANCELLED)
    sold = orders.aggregate(n=Count("id"))
    gmv = sum((o.total - o.refunded_amount for o in orders.only("total", "refunded_amount")), Decimal("0.00"))
    rated = Rating.objects.filter(material=material).aggregate(avg=Avg("score"), n=Count("id"))
    return MaterialFigures(
        citations=Citation.objects.filter(material=material).count(),
        clicks=ShareClick.objects.filter(link__material=material).count(),
        orders=sold["n"], gmv=gmv,
        rating=round(float(rated["avg"]), 1) if rated["avg"] is not None else None, ratings=rated["n"])


def _daily(rows, key: str, day: str) -> dict[int, list[tuple[date, int]]]:
    found: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for row in rows.annotate(day=TruncDate(day, tzinfo=timezone.get_current_timezone())).values(key, "day") \
            .annotate(n=Count("id")).values_list(key, "day", "n"):
        found[row[0]].append((row[1], row[2]))
    return found


def materials_ranked(*, community_id: int | None = None, product_id: int | None = None, order: str = "citations",
                     limit: int = 20, offset: int = 0, today: date | None = None) -> tuple[list[Material], int]:
    """Visible materials of a community and/or a product, ranked (see the module docstring); (page, total).
    Each material carries ``score``, ``citation_count``, ``order_count`` and ``rating``."""
    if order not in ORDERS:
        raise InvalidInput(CommunityError.RANKING_UNKNOWN, order=order, orders=", ".join(ORDERS),
                           details={"field": "order"})
    scope = Q(status=Material.Status.VISIBLE)
    if community_id is not None:
        scope &= Q(community_id=community_id)
    if product_id is not None:
        scope &= Q(product_id=product_id)
    ids = list(Material.objects.filter(scope).values_list("pk", "created_at"))
    today = today or timezone.localdate()
    since = timezone.now() - timedelta(days=HORIZON_DAYS)
    pks = [pk for pk, _ in ids]
    cited = _daily(Citation.objects.filter(material_id__in=pks, created_at__gte=since), "material_id", "created_at")
    sold = _daily(Order.objects.filter(share_link__material_id__in=pks, paid_at__gte=since)
                  .exclude(status=Order.Status.CANCELLED), "share_link__material_id", "paid_at")
    rated = {pk: (avg, n) for pk, avg, n in Rating.objects.filter(material_id__in=pks).values("material_id")
             .annotate(avg=Avg("score"), n=Count("id")).values_list("material_id", "avg", "n")}

    def decayed(days: list[tuple[date, int]]) -> float:
        return sum(n * decay((today - day).days) for day, n in days)

    scores = {}
    for pk, created in ids:
        if order == "citations":
            score = decayed(cited.get(pk, []))
        elif order == "orders":
            score = decayed(sold.get(pk, []))
        else:
            avg, n = rated.get(pk, (None, 0))
            score = (PRIOR_VOTES * PRIOR_MEAN + float(avg or 0) * n) / (PRIOR_VOTES + n)
        scores[pk] = (round(score, 6), created)
    ranked = sorted(pks, key=lambda pk: (scores[pk][0], scores[pk][1], pk), reverse=True)
    page_ids = ranked[offset:offset + limit]
    found = {m.pk: m for m in Material.objects.filter(pk__in=page_ids).select_related("author__user", "product")
             .prefetch_related("images")}
    page = []
    for pk in page_ids:
        material = found[pk]
        material.score = scores[pk][0]
        material.citation_count = sum(n for _d, n in cited.get(pk, []))
        material.order_count = sum(n for _d, n in sold.get(pk, []))
        avg, n = rated.get(pk, (None, 0))
        material.rating = round(float(avg), 1) if avg is not None else None
        material.rating_count = n
        page.append(material)
    return page, len(ranked)


def materials_of(promoter_id: int) -> QuerySet[Material]:
    """A promoter's own materials, newest first, with their citation counts."""
    return (Material.objects.filter(author_id=promoter_id).select_related("product")
            .annotate(citation_count=Count("citations")).order_by("-created_at", "-id"))


def rating_of(material: Material, promoter) -> int | None:
    """``promoter``'s rating of ``material``, if any."""
    return Rating.objects.filter(material=material, rater=promoter).values_list("score", flat=True).first()
