"""The catalog: products (商品), their SKUs with prices, stock and commission setting, images, and the
review/shelf history. 验货区 is a flag on the product; 爆品区 is a running campaign (``tuishou.campaigns``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuishou.core.fields import MoneyField
from tuishou.core.transitions import StatusChange
from tuishou.merchants.models import RATE_FIELD, Merchant


class Product(models.Model):
    """A merchant's product. Its status moves only through ``tuishou.catalog.transitions.product_transition``."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("Product.Status", "Draft")
        PENDING_REVIEW = "pending_review", pgettext_lazy("Product.Status", "Pending review")
        REJECTED = "rejected", pgettext_lazy("Product.Status", "Rejected")
        APPROVED = "approved", pgettext_lazy("Product.Status", "Approved (not listed yet)")
        ON_SHELF = "on_shelf", pgettext_lazy("Product.Status", "On shelf")
        OFF_SHELF = "off_shelf", pgettext_lazy("Product.Status", "Off shelf")

    merchant = models.ForeignKey(Merchant, verbose_name=_("merchant"),
                                 on_delete=models.PROTECT, related_name="products")
    title = models.CharField(verbose_name=_("title"), max_length=120)
    description = models.TextField(verbose_name=_("description"), blank=True)
    category = models.CharField(verbose_name=_("category"), max_length=60, db_index=True)
    status = models.CharField(verbose_name=_("status"),
                              max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    reject_reason = models.TextField(verbose_name=_("reject reason"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(verbose_name=_("reviewed at"), null=True, blank=True)
    # 爆品区 is a running campaign of the product (``tuishou.campaigns``: price, window, allocation).
    # 验货区: the community-inspected badge (the inspection reports themselves come with the community issue).
    inspected = models.BooleanField(_("验货 badge"), default=False, db_index=True)
    inspected_at = models.DateTimeField(verbose_name=_("inspected at"), null=True, blank=True)
    # An operator's own decision on the badge (granted: True, withdrawn: False), which the community's inspection
    # rule does not override until an operator hands the badge back to the rule (empty: the rule decides).
    inspected_by_operator = models.BooleanField(
        verbose_name=_("badge set by an operator"), null=True, blank=True,
        help_text="Granted or withdrawn by hand; the inspection rule leaves it until an operator releases it.")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "merchant"], name="product_status_merchant_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(reject_reason=""),
                                   name="product_reject_reason"),
        ]

    def __str__(self) -> str:
        return self.title


class ProductImage(models.Model):
    """A picture of a product; the lowest ``position`` is the cover."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(verbose_name=_("image"), upload_to="products/%Y/%m/")
    position = models.PositiveSmallIntegerField(verbose_name=_("position"), default=0)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["product_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.product} #{self.position}"


class Sku(models.Model):
    """A sellable variant (规格) with its retail price, supply price, stock and commission setting.

    The commission setting gives the order's commission base B (see spec/incentive-plans.md): a fraction of
    the paid price (``percent``) or a fixed amount per unit (``fixed``); exactly one of the two is set.
    """

    class CommissionMode(models.TextChoices):
        PERCENT = "percent", pgettext_lazy("Sku.CommissionMode", "Percentage of the paid price")
        FIXED = "fixed", pgettext_lazy("Sku.CommissionMode", "Fixed amount per unit")

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="skus")
    spec_name = models.CharField(verbose_name=_("spec name"), max_length=60, help_text="e.g. 500g×2袋")
    code = models.CharField(verbose_name=_("code"),
                            max_length=40, help_text="The merchant's SKU code, unique within the product.")
    price = MoneyField(verbose_name=_("price"), help_text="Retail price (零售价).")
    supply_price = MoneyField(verbose_name=_("supply price"), help_text="What the merchant supplies it for (供货价).")
    stock = models.PositiveIntegerField(verbose_name=_("stock"), default=0)
    commission_mode = models.CharField(verbose_name=_("commission mode"), max_length=8, choices=CommissionMode.choices)
    commission_rate = models.DecimalField(verbose_name=_("commission rate"), **RATE_FIELD, null=True, blank=True)
    commission_amount = MoneyField(verbose_name=_("commission amount"), null=True, blank=True)
    active = models.BooleanField(verbose_name=_("active"), default=True, db_index=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("sku")
        verbose_name_plural = _("skus")
        ordering = ["product_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "code"], name="sku_code_unique_per_product"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="sku_stock_not_negative"),
            models.CheckConstraint(condition=Q(price__gt=0), name="sku_price_positive"),
            models.CheckConstraint(condition=Q(supply_price__gte=0), name="sku_supply_price_not_negative"),
            models.CheckConstraint(
                condition=(Q(commission_mode="percent", commission_rate__isnull=False, commission_amount__isnull=True,
                             commission_rate__gte=0, commission_rate__lte=1)
                           | Q(commission_mode="fixed", commission_amount__isnull=False, commission_rate__isnull=True,
                               commission_amount__gte=0, commission_amount__lte=models.F("price"))),
                name="sku_commission_exactly_one"),
        ]

    def __str__(self) -> str:
        return f"{self.product} · {self.spec_name}"


class ProductStatusChange(StatusChange):
    """One move of a product's status (history, append-only)."""

    product = models.ForeignKey(Product, verbose_name=_("product"),
                                on_delete=models.CASCADE, related_name="status_changes")

    class Meta(StatusChange.Meta):
        verbose_name = _("product status change")
        verbose_name_plural = _("product status changes")
        ordering = ["product_id", "id"]

    def __str__(self) -> str:
        return f"{self.product}: {self.from_status} → {self.to_status}"
