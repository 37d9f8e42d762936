"""The materials ranking's stored scores (``MaterialScore``), maintained on every event that moves them.

**Semantics** (the ranking's, see ``selectors``): a citation or a citation-led order (paid, not cancelled) on
local day ``d`` weighs ``0.5 ** ((today − d) / 14)`` today. Stored as a *forward-decayed* sum: each event adds
``2 ** ((d − EPOCH) / 14)`` once, and the ranking multiplies by ``2 ** (−(today − EPOCH) / 14)``, a factor common to
every material, so the order of the stored sums IS the order of today's decayed scores and nothing has to be
recomputed as days pass (an event never changes weight relative to another). The float stays far from overflow
for decades (2^(days/14) < 2^1023 until 2064); ``material_scores_refresh`` recomputes from the events, which is
also the periodic repair (an order cancelled after payment, a row edited by hand).

Events: publishing opens the row; a citation and an order add their weight (``F()`` updates: concurrent events
add up); a rating recounts the material's ratings; hiding/restoring flips ``visible``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from tuishou.community.models import Citation, Material, Rating
from tuishou.community.models_scores import MaterialScore
from tuishou.orders.models import Order

EPOCH = date(2025, 1, 1)
HALF_LIFE_DAYS = 14
PRIOR_MEAN, PRIOR_VOTES = 3.5, 5


def day_weight(day: date) -> float:
    """What one event of local ``day`` adds to a stored score."""
    return 2.0 ** ((day - EPOCH).days / HALF_LIFE_DAYS)


def scale(today: date) -> float:
    """The factor turning stored scores into today's decayed scores."""
    return 2.0 ** (-(today - EPOCH).days / HALF_LIFE_DAYS)


def rated(rating_sum: int, rating_count: int) -> float:
    """The rating pulled towards the prior of 3.5 by five phantom votes."""
    return (PRIOR_VOTES * PRIOR_MEAN + rating_sum) / (PRIOR_VOTES + rating_count)


def _local_day(at: datetime) -> date:
    return timezone.localdate(at)


def material_score_open(material: Material) -> None:
    """A new material's row (zero citations and orders, the prior rating)."""
    MaterialScore.objects.get_or_create(material=material, defaults={
        "community_id": material.community_id, "product_id": material.product_id,
        "visible": material.status == Material.Status.VISIBLE, "created_at": material.created_at,
        "rated": rated(0, 0)})


def citation_counted(citation: Citation) -> None:
    MaterialScore.objects.filter(pk=citation.material_id).update(
        cited=F("cited") + day_weight(_local_day(citation.created_at)), citation_count=F("citation_count") + 1)


def ratings_recount(material_id: int) -> None:
    # The row lock orders concurrent ratings of one material: the last recount sees every committed rating.
    MaterialScore.objects.select_for_update().filter(pk=material_id).first()
    found = Rating.objects.filter(material_id=material_id).aggregate(total=Sum("score"), n=Count("id"))
    total, n = found["total"] or 0, found["n"]
    MaterialScore.objects.filter(pk=material_id).update(rating_sum=total, rating_count=n, rated=rated(total, n))


def visibility_set(material: Material) -> None:
    MaterialScore.objects.filter(pk=material.pk).update(visible=material.status == Material.Status.VISIBLE)


def order_paid_count(event) -> None:
    """``orders.events.OrderPaid`` handler: an order paid through a link that carried a material counts for it."""
    material_id = (Order.objects.filter(pk=event.order_id, share_link__material__isnull=False)
                   .values_list("share_link__material_id", flat=True).first())
    if material_id is not None:
        MaterialScore.objects.filter(pk=material_id).update(
            sold=F("sold") + day_weight(_local_day(event.paid_at)), order_count=F("order_count") + 1)


def orders_paid_count(paid: list) -> None:
    """The batch form of ``order_paid_count`` (the deferred ``order.paid``): one read of the batch's materials,
    then each material's orders added at once — per day, the day's weight times its orders, as
    ``material_scores_refresh`` sums them — in pk order; on PostgreSQL in ONE update."""
    day_of = {event.order_id: _local_day(event.paid_at) for event in paid}
    per_day: dict[int, Counter] = defaultdict(Counter)
    for order_id, material_id in (Order.objects.filter(pk__in=list(day_of), share_link__material__isnull=False)
                                  .values_list("pk", "share_link__material_id")):
        per_day[material_id][day_of[order_id]] += 1
    if not per_day:
        return
    ids = sorted(per_day)
    sold = [sum(n * day_weight(day) for day, n in sorted(per_day[pk].items())) for pk in ids]
    counts = [sum(per_day[pk].values()) for pk in ids]
    # Concurrent batches lock the rows in the same order.
    list(MaterialScore.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    if connection.vendor != "postgresql":
        for pk, weight, count in zip(ids, sold, counts, strict=True):
            MaterialScore.objects.filter(pk=pk).update(sold=F("sold") + weight, order_count=F("order_count") + count)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {MaterialScore._meta.db_table} AS m SET sold = m.sold + d.sold, "
            "order_count = m.order_count + d.n FROM unnest(%s::bigint[], %s::float8[], %s::int[]) "
            "AS d(id, sold, n) WHERE m.material_id = d.id", [ids, sold, counts])


def _daily(rows, key: str, day: str) -> dict[int, list[tuple[date, int]]]:
    found: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for material_id, on, n in (rows.annotate(day=TruncDate(day, tzinfo=timezone.get_current_timezone()))
                               .values(key, "day").annotate(n=Count("id")).values_list(key, "day", "n")):
        found[material_id].append((on, n))
    return found


def material_scores_refresh(material_ids: Iterable[int] | None = None, *, chunk: int = 2000) -> int:
    """Recompute the stored scores of ``material_ids`` (every material when None) from their citations, orders
    and ratings; returns how many rows were written."""
    ids = sorted(material_ids) if material_ids is not None else list(
        Material.objects.order_by("pk").values_list("pk", flat=True))
    written = 0
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        cited = _daily(Citation.objects.filter(material_id__in=part), "material_id", "created_at")
        sold = _daily(Order.objects.filter(share_link__material_id__in=part, paid_at__isnull=False)
                      .exclude(status=Order.Status.CANCELLED), "share_link__material_id", "paid_at")
        ratings = {pk: (total, n) for pk, total, n in Rating.objects.filter(material_id__in=part)
                   .values("material_id").annotate(total=Sum("score"), n=Count("id"))
                   .values_list("material_id", "total", "n")}
        rows = []
        for material in Material.objects.filter(pk__in=part).only("pk", "community_id", "product_id", "status",
                                                                  "created_at"):
            total, n = ratings.get(material.pk, (0, 0))
            days_cited, days_sold = sorted(cited.get(material.pk, [])), sorted(sold.get(material.pk, []))
            rows.append(MaterialScore(
                material_id=material.pk, community_id=material.community_id, product_id=material.product_id,
                visible=material.status == Material.Status.VISIBLE, created_at=material.created_at,
                cited=sum(c * day_weight(d) for d, c in days_cited), sold=sum(c * day_weight(d) for d, c in days_sold),
                citation_count=sum(c for _d, c in days_cited), order_count=sum(c for _d, c in days_sold),
                rating_sum=total, rating_count=n, rated=rated(total, n)))
        with transaction.atomic():
            MaterialScore.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["material"],
                update_fields=["community", "product", "visible", "created_at", "cited", "sold", "citation_count",
                               "order_count", "rating_sum", "rating_count", "rated"])
        written += len(rows)
    return written
