"""The materials ranking's stored scores (素材排行): one row per material, kept up to date on every citation,
citation-led order, rating and moderation, so a ranking page is one index scan instead of a pass over every
citation (see ``materials_scores`` for the semantics and the maintenance)."""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _ranked(prefix: str, scope: tuple[str, ...], column: str) -> models.Index:
    return models.Index(*scope, F(column).desc(), F("created_at").desc(), F("material").desc(),
                        name=f"matscore_{prefix}_{column}")


class MaterialScore(models.Model):
    """A material's forward-decayed scores: ``cited`` and ``sold`` are Σ 2^(day index / 14) of its citations and
    citation-led orders (day index: days since ``materials_scores.EPOCH``), ``rated`` its prior-weighted rating."""

    material = models.OneToOneField("community.Material", verbose_name=_("material"), primary_key=True,
                                    on_delete=models.CASCADE, related_name="ranking")
    community = models.ForeignKey("network.Community", verbose_name=_("community"), on_delete=models.CASCADE,
                                  related_name="+", db_index=False)
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), on_delete=models.CASCADE,
                                related_name="+", db_index=False)
    visible = models.BooleanField(verbose_name=_("visible"), default=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), default=timezone.now)
    cited = models.FloatField(verbose_name=_("citation score"), default=0.0)
    sold = models.FloatField(verbose_name=_("order score"), default=0.0)
    rated = models.FloatField(verbose_name=_("rating score"), default=3.5)
    citation_count = models.PositiveIntegerField(verbose_name=_("citations"), default=0)
    order_count = models.PositiveIntegerField(verbose_name=_("citation-led orders"), default=0)
    rating_sum = models.PositiveIntegerField(verbose_name=_("sum of ratings"), default=0)
    rating_count = models.PositiveIntegerField(verbose_name=_("ratings"), default=0)

    class Meta:
        verbose_name = _("material score")
        indexes = [_ranked(p, scope, column) for p, scope in (("c", ("community", "visible")),
                                                                ("p", ("product", "visible")), ("a", ("visible",)))
                   for column in ("cited", "sold", "rated")]

    def __str__(self) -> str:
        return f"{self.material_id}: {self.cited:.3f}/{self.sold:.3f}/{self.rated:.3f}"
