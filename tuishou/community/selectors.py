"""Reads of the materials marketplace: a material with its figures, the materials of a product or a
community ranked, and what a material helped sell.

**Ranking, with time decay.** Every citation and every citation-led order (an order placed through a link
that carried the material) counts ``0.5 ** (age in days / 14)`` (age: whole local days): a reuse two weeks old
weighs half a reuse today, one two months old a sixteenth; nothing is ever cut off (a year-old reuse weighs
0.00001). The scores are stored and kept current on every event (``materials_scores``); the counts shown are
all-time. The three orders of a ranking:
- ``citations``: decayed citations;
- ``orders``: decayed citation-led orders (paid and not cancelled);
- ``rating``: the average rating pulled towards the marketplace-wide prior of 3.5 by five phantom votes
  (``(5 × 3.5 + Σ scores) / (5 + n)``), so one 5-star vote does not beat fifty 4.8s.
Ties (equal unrounded scores) fall to the newer material, then the larger id. Only visible materials are
ranked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Avg, Count, QuerySet, prefetch_related_objects
from django.utils import timezone

from tuishou.community.errors import CommunityError
from tuishou.community.materials_scores import scale
from tuishou.community.models import Citation, Material, Rating
from tuishou.community.models_scores import MaterialScore
from tuishou.core.errors import InvalidInput, NotFound
from tuishou.orders.models import Order
from tuishou.stores.models import ShareClick

HALF_LIFE_DAYS = 14
PRIOR_MEAN, PRIOR_VOTES = 3.5, 5
ORDERS = ("citations", "orders", "rating")
SCORE_COLUMNS = {"citations": "cited", "orders": "sold", "rating": "rated"}


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


def materials_ranked(*, community_id: int | None = None, product_id: int | None = None, order: str = "citations",
                     limit: int = 20, offset: int = 0, today: date | None = None,
                     with_total: bool = True) -> tuple[list[Material], int | None]:
    """Visible materials of a community and/or a product, ranked (see the module docstring); (page, total).
    Each material carries ``score``, ``citation_count``, ``order_count``, ``rating`` and ``rating_count``.

    Read from the stored scores (``materials_scores``): one scan of the index that holds the ranking's order
    (scope, visible, score desc, created desc, material desc), joined to the page's materials, authors and products
    in the same query, and one query for their images — never a query per material. ``with_total=False`` skips the
    count (a page that only needs to know whether there is a next one asks for ``limit + 1``); total is then None."""
    if order not in ORDERS:
        raise InvalidInput(CommunityError.RANKING_UNKNOWN, order=order, orders=", ".join(ORDERS),
                           details={"field": "order"})
    column = SCORE_COLUMNS[order]
    rows = MaterialScore.objects.filter(visible=True)
    if community_id is not None:
        rows = rows.filter(community_id=community_id)
    if product_id is not None:
        rows = rows.filter(product_id=product_id)
    total = rows.count() if with_total else None
    page_rows = list(rows.select_related("material__author__user", "material__product")
                     .order_by(f"-{column}", "-created_at", "-material_id")[offset:offset + limit])
    materials = [row.material for row in page_rows]
    prefetch_related_objects(materials, "images")
    factor = scale(today or timezone.localdate())
    for row, material in zip(page_rows, materials, strict=True):
        material.score = round(row.rated if order == "rating" else getattr(row, column) * factor, 6)
        material.citation_count, material.order_count = row.citation_count, row.order_count
        material.rating = round(row.rating_sum / row.rating_count, 1) if row.rating_count else None
        material.rating_count = row.rating_count
    return materials, total


def materials_of(promoter_id: int) -> QuerySet[Material]:
    """A promoter's own materials, newest first, with their citation counts."""
    return (Material.objects.filter(author_id=promoter_id).select_related("product")
            .annotate(citation_count=Count("citations")).order_by("-created_at", "-id"))


def rating_of(material: Material, promoter) -> int | None:
    """``promoter``'s rating of ``material``, if any."""
    return Rating.objects.filter(material=material, rater=promoter).values_list("score", flat=True).first()
