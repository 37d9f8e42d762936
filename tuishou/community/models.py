"""The community's tables: selling materials (素材), their citations (every reuse), ratings and reports.

A material is a promoter's selling text for one product, with up to nine images and optionally a video link.
Another promoter reuses it with one tap: that reuse is a ``Citation``, and it goes out through a share link
that carries the material (``stores.ShareLink.material``), so the clicks and orders of that link are the
material's too — an author sees how many sales their material helped.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuishou.core.transitions import StatusChange


class Material(models.Model):
    class Status(models.TextChoices):
        # in a context: the bare "Hidden" is the stores' (已隐藏, a product hidden from a store); a material
        # taken down by an operator is 已下架, as the promoter's own pages say
        VISIBLE = "visible", pgettext_lazy("material status", "Visible")
        HIDDEN = "hidden", pgettext_lazy("material status", "Hidden")

    author = models.ForeignKey("network.Promoter", verbose_name=_("author"),
                               on_delete=models.PROTECT, related_name="materials")
    community = models.ForeignKey("network.Community", verbose_name=_("community"),
                                  on_delete=models.PROTECT, related_name="materials",
                                  help_text="The author's community when they published it.")
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"),
                                on_delete=models.PROTECT, related_name="materials")
    text = models.TextField(verbose_name=_("text"), max_length=2000)
    video_url = models.URLField(verbose_name=_("video url"), max_length=300, blank=True)
    status = models.CharField(verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.VISIBLE)
    created_at = models.DateTimeField(verbose_name=_("created at"), default=timezone.now)
    hidden_at = models.DateTimeField(verbose_name=_("hidden at"), null=True, blank=True)

    class Meta:
        verbose_name = _("selling material")
        indexes = [models.Index(fields=["product", "status", "-created_at"]),
                   models.Index(fields=["community", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.text[:20]}… ({self.product_id})"


class MaterialImage(models.Model):
    material = models.ForeignKey(Material, verbose_name=_("material"), on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(verbose_name=_("image"), upload_to="materials/%Y/%m/")
    position = models.PositiveSmallIntegerField(verbose_name=_("position"), default=0)

    class Meta:
        verbose_name = _("material image")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.material_id} #{self.position}"


class MaterialStatusChange(StatusChange):
    material = models.ForeignKey(Material, verbose_name=_("material"),
                                 on_delete=models.CASCADE, related_name="status_changes")

    def __str__(self) -> str:
        return f"{self.material_id}: {self.from_status or '∅'} → {self.to_status}"

    class Meta:
        verbose_name = _("material status change")


class Citation(models.Model):
    """One reuse of a material by a promoter, through one channel, carried by their material share link."""

    class Channel(models.TextChoices):
        WECHAT = "wechat", _("WeChat chat")
        MOMENTS = "moments", _("WeChat Moments")
        GROUP = "group", _("Group chat")
        POSTER = "poster", _("Share poster")
        OTHER = "other", _("Elsewhere")

    material = models.ForeignKey(Material, verbose_name=_("material"),
                                 on_delete=models.PROTECT, related_name="citations")
    promoter = models.ForeignKey("network.Promoter", verbose_name=_("promoter"),
                                 on_delete=models.PROTECT, related_name="citations")
    channel = models.CharField(verbose_name=_("channel"), max_length=10, choices=Channel.choices)
    link = models.ForeignKey("stores.ShareLink", verbose_name=_("link"),
                             on_delete=models.PROTECT, related_name="citations")
    created_at = models.DateTimeField(verbose_name=_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("citation")
        indexes = [models.Index(fields=["material", "created_at"]), models.Index(fields=["promoter", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.promoter_id} → {self.material_id} ({self.channel})"


class Rating(models.Model):
    """One promoter's rating of a material (1–5), changeable; never of their own."""

    material = models.ForeignKey(Material, verbose_name=_("material"), on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey("network.Promoter", verbose_name=_("rater"), on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(verbose_name=_("score"))
    updated_at = models.DateTimeField(verbose_name=_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        constraints = [models.UniqueConstraint(fields=["material", "rater"], name="rating_one_per_person"),
                       models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_score_range")]

    def __str__(self) -> str:
        return f"{self.rater_id} ★{self.score} {self.material_id}"


class MaterialReport(models.Model):
    """Someone's report that a material breaks the rules. Open until an operator decides on the material: hiding
    it, restoring it or dismissing its reports (驳回) closes every open report of it, with that ``outcome``."""

    class Outcome(models.TextChoices):
        OPEN = "", pgettext_lazy("material report", "Waiting")
        HIDDEN = "hidden", pgettext_lazy("material report", "Material taken down")
        RESTORED = "restored", pgettext_lazy("material report", "Material restored")
        DISMISSED = "dismissed", pgettext_lazy("material report", "Dismissed")

    material = models.ForeignKey(Material, verbose_name=_("material"), on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reporter"),
                                 on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(verbose_name=_("reason"), max_length=200)
    created_at = models.DateTimeField(verbose_name=_("created at"), default=timezone.now)
    resolved_at = models.DateTimeField(verbose_name=_("resolved at"), null=True, blank=True)
    # blank on reports resolved before outcomes were kept: the desk shows those as "Resolved"
    outcome = models.CharField(verbose_name=_("outcome"), max_length=10, choices=Outcome.choices, blank=True,
                               default=Outcome.OPEN)

    class Meta:
        verbose_name = _("material report")
        constraints = [models.UniqueConstraint(fields=["material", "reporter"], condition=Q(resolved_at__isnull=True),
                                               name="material_report_one_open_per_person"),
                       models.CheckConstraint(condition=Q(resolved_at__isnull=False) | Q(outcome=""),
                                              name="material_report_open_has_no_outcome")]

    def __str__(self) -> str:
        return f"{self.material_id}: {self.reason}"

from tuishou.community.models_inspections import (  # noqa: E402,F401 (the inspected zone's tables)
    ChecklistItem,
    InspectionAnswer,
    InspectionChecklist,
    InspectionPhoto,
    InspectionReport,
    InspectionSettings,
    InspectionTask,
)
from tuishou.community.models_rewards import RewardLine, RewardPeriod, RewardPeriodStatusChange  # noqa: E402,F401
from tuishou.community.models_scores import MaterialScore  # noqa: E402,F401
