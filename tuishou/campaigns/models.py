"""Hot-product campaigns (爆品活动): an operator-negotiated price per SKU, a commission setting, a time window and
a stock allocation for one product, launched to every community at once.

The campaign is the only source of the 爆品 price: the catalog's ``hot_zone_open`` / ``sku_selling_price`` read
the running campaign, and an order line sold at a campaign's terms carries the campaign's id
(``OrderLine.campaign``) next to the price and commission setting it snapshotted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tuishou.core.fields import MoneyField
from tuishou.core.transitions import StatusChange
from tuishou.merchants.models import RATE_FIELD


class Campaign(models.Model):
    """One 爆品 campaign. ``sold`` is the allocation taken by live checkouts (reserved at checkout, given back
    when an unpaid checkout is cancelled or expires); it never exceeds ``allocation`` (a database check, and a
    conditional UPDATE at checkout). Its status moves only through ``tuishou.campaigns.transitions``."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        LAUNCHED = "launched", _("Launched")
        ENDED = "ended", _("Ended")

    class CommissionMode(models.TextChoices):
        SKU = "sku", _("The SKU's own commission setting")
        PERCENT = "percent", _("Percentage of the campaign price")
        FIXED = "fixed", _("Fixed commission base per unit")

    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="campaigns")
    title = models.CharField(verbose_name=_("title"), max_length=60)
    pitch = models.TextField(verbose_name=_("starter material"), max_length=2000,
                             help_text="The selling text published as starter material in every community.")
    starts_at = models.DateTimeField(verbose_name=_("starts at"), db_index=True)
    ends_at = models.DateTimeField(verbose_name=_("ends at"), db_index=True)
    allocation = models.PositiveIntegerField(verbose_name=_("allocation"),
                                             help_text="Units the merchant commits to the campaign (all SKUs).")
    sold = models.PositiveIntegerField(verbose_name=_("units taken"), default=0,
                                       help_text="Units held by live checkouts at the campaign price.")
    commission_mode = models.CharField(verbose_name=_("commission mode"), max_length=8,
                                       choices=CommissionMode.choices, default=CommissionMode.SKU)
    commission_rate = models.DecimalField(verbose_name=_("commission rate"), **RATE_FIELD, null=True, blank=True)
    commission_amount = MoneyField(verbose_name=_("commission base per unit"), null=True, blank=True)
    status = models.CharField(verbose_name=_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    launched_at = models.DateTimeField(verbose_name=_("launched at"), null=True, blank=True)
    ended_at = models.DateTimeField(verbose_name=_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("hot-product campaign")
        verbose_name_plural = _("hot-product campaigns")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["product", "status"], name="campaign_product_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="campaign_window_ordered"),
            models.CheckConstraint(condition=Q(sold__lte=F("allocation")), name="campaign_never_oversold"),
            models.CheckConstraint(
                condition=(Q(commission_mode="sku", commission_rate__isnull=True, commission_amount__isnull=True)
                           | Q(commission_mode="percent", commission_rate__isnull=False,
                               commission_amount__isnull=True, commission_rate__gte=0, commission_rate__lte=1)
                           | Q(commission_mode="fixed", commission_amount__isnull=False,
                               commission_rate__isnull=True, commission_amount__gte=0)),
                name="campaign_commission_setting"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def left(self) -> int:
        return self.allocation - self.sold


class CampaignPrice(models.Model):
    """The negotiated campaign price of one SKU (活动价), at most its retail price."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="prices")
    sku = models.ForeignKey("catalog.Sku", verbose_name=_("sku"), on_delete=models.PROTECT, related_name="+")
    price = MoneyField(verbose_name=_("campaign price"))

    class Meta:
        verbose_name = _("campaign price")
        verbose_name_plural = _("campaign prices")
        ordering = ["campaign_id", "sku_id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "sku"], name="campaign_price_one_per_sku"),
            models.CheckConstraint(condition=Q(price__gt=0), name="campaign_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} · {self.sku_id}: {self.price}"


class CampaignPush(models.Model):
    """What launching put into one community: its announcement and its starter material (none when the
    community has no promoter to carry it)."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="pushes")
    community = models.ForeignKey("network.Community", verbose_name=_("community"), on_delete=models.PROTECT,
                                  related_name="+")
    announcement = models.ForeignKey("notifications.Announcement", verbose_name=_("announcement"),
                                     on_delete=models.PROTECT, related_name="+")
    material = models.ForeignKey("community.Material", verbose_name=_("starter material"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("campaign push")
        verbose_name_plural = _("campaign pushes")
        ordering = ["campaign_id", "community_id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "community"], name="campaign_push_once")]

    def __str__(self) -> str:
        return f"{self.campaign_id} → {self.community_id}"


class CampaignStatusChange(StatusChange):
    """One move of a campaign's status (history, append-only)."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="status_changes")

    class Meta(StatusChange.Meta):
        verbose_name = _("campaign status change")
        verbose_name_plural = _("campaign status changes")
        ordering = ["campaign_id", "id"]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.from_status} → {self.to_status}"
