"""Coupon goods (券商品, the 淘客/芬香 model): items of an external supply-chain platform sold through a coupon
and an external link instead of our own checkout.

An operator imports a platform's feed (``FeedImport`` → ``CouponItem``); promoters pick items into their store
(``CouponPick``, each with its own unguessable tracking code, 推广位); a consumer's click goes through our redirect
(``/c/<tracking code>/go``) to the platform; the platform's order report (``ReportImport``, one ``ReportRow`` per
line) credits the promoter behind each tracking code: one ``CouponOrder`` per external order, its commissions
(``CouponCommission``) priced by the community's plan on the external commission as the base B.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuishou.core.fields import MoneyField

ZERO = Decimal("0.00")
# The import's references (orders, commissions, result rows): checked once per statement by triggers, not by
# row-level foreign keys, and with no index where a unique constraint covers it or no query reads by it
# (migration 0002, docs/deployment.md "The coupon import's references").
REFERENCE = {"db_constraint": False, "db_index": False}


class FeedImport(models.Model):
    """One import of a platform's feed (选品库导入): what it added, updated and skipped."""

    connector = models.CharField(verbose_name=_("connector"), max_length=32)
    source = models.CharField(verbose_name=_("source"), max_length=200, blank=True, help_text="File name, if any.")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("operator"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    created = models.PositiveIntegerField(verbose_name=_("created"), default=0)
    updated = models.PositiveIntegerField(verbose_name=_("updated"), default=0)
    skipped = models.PositiveIntegerField(verbose_name=_("skipped"), default=0)
    skips = models.JSONField(verbose_name=_("skips"), default=list, help_text="[{line, reason, detail}]")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("feed import")
        verbose_name_plural = _("feed imports")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.connector} #{self.pk}"


class CouponItem(models.Model):
    """One coupon item of an external platform (券商品): shown while its coupon is valid, gone once expired."""

    platform = models.CharField(verbose_name=_("platform"), max_length=32, help_text="The connector's name.")
    external_id = models.CharField(verbose_name=_("external id"), max_length=64)
    title = models.CharField(verbose_name=_("title"), max_length=120)
    images = models.JSONField(verbose_name=_("images"), default=list, help_text="Image URLs, first is the cover.")
    category = models.CharField(verbose_name=_("category"), max_length=40, blank=True)
    price = MoneyField(verbose_name=_("price"), help_text="List price on the platform (元).")
    coupon_amount = MoneyField(verbose_name=_("coupon amount"), help_text="What the coupon takes off (元).")
    coupon_starts_at = models.DateTimeField(verbose_name=_("coupon starts at"), null=True, blank=True)
    coupon_ends_at = models.DateTimeField(verbose_name=_("coupon ends at"))
    valid_until = models.DateTimeField(verbose_name=_("valid until"), db_index=True,
                                       help_text="The item leaves the pool and the stores after this.")
    commission_rate = models.DecimalField(verbose_name=_("commission rate"), max_digits=6, decimal_places=4,
                                          help_text="The platform's commission on the price after coupon.")
    external_link = models.URLField(verbose_name=_("external link"), max_length=500)
    feed_import = models.ForeignKey(FeedImport, verbose_name=_("feed import"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="items")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("coupon item")
        verbose_name_plural = _("coupon items")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["platform", "external_id"], name="coupon_item_one_per_platform"),
                       models.CheckConstraint(condition=Q(coupon_amount__gte=0) & Q(price__gt=0),
                                              name="coupon_item_amounts")]

    def __str__(self) -> str:
        return self.title

    @property
    def final_price(self) -> Decimal:
        """券后价: what the buyer pays after the coupon (never below 0)."""
        return max(self.price - self.coupon_amount, ZERO)

    @property
    def external_commission(self) -> Decimal:
        """The platform's commission on one purchase at the price after coupon (rounded down to the fen)."""
        return (self.final_price * self.commission_rate).quantize(Decimal("0.01"), rounding="ROUND_DOWN")

    @property
    def cover(self) -> str:
        return self.images[0] if self.images else ""


class CouponPick(models.Model):
    """A coupon item in a promoter's store, with the promoter's tracking code (推广位) for it: stable, unguessable."""

    promoter = models.ForeignKey("network.Promoter", verbose_name=_("promoter"), on_delete=models.PROTECT,
                                 related_name="coupon_picks")
    item = models.ForeignKey(CouponItem, verbose_name=_("coupon item"), on_delete=models.PROTECT,
                             related_name="picks")
    tracking_code = models.CharField(verbose_name=_("tracking code"), max_length=24, unique=True)
    clicks = models.PositiveBigIntegerField(verbose_name=_("clicks"), default=0)
    removed = models.BooleanField(verbose_name=_("removed"), default=False,
                                  help_text="Off the store; the code still credits orders of earlier clicks.")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("coupon pick")
        verbose_name_plural = _("coupon picks")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["promoter", "item"], name="coupon_pick_one_per_promoter")]

    def __str__(self) -> str:
        return f"{self.promoter_id} · {self.item_id} ({self.tracking_code})"


class ReportImport(models.Model):
    """One import of a platform's order report (订单报表导入) and what became of its rows."""

    class Source(models.TextChoices):
        UPLOAD = "upload", _("Uploaded at the desk")
        COMMAND = "command", _("Management command")
        API = "api", _("API")
        CONNECTOR = "connector", _("Fetched from the platform")

    connector = models.CharField(verbose_name=_("connector"), max_length=32)
    source = models.CharField(verbose_name=_("source"), max_length=16, choices=Source.choices)
    file_name = models.CharField(verbose_name=_("file name"), max_length=200, blank=True)
    method = models.CharField(verbose_name=_("method"), max_length=8, default="rows",
                              help_text="rows: row by row; set: set-based on PostgreSQL.")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("operator"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    rows = models.PositiveIntegerField(verbose_name=_("rows"), default=0)
    imported = models.PositiveIntegerField(verbose_name=_("imported"), default=0)
    reversed = models.PositiveIntegerField(verbose_name=_("reversed"), default=0)
    skipped = models.PositiveIntegerField(verbose_name=_("skipped"), default=0)
    skipped_by_reason = models.JSONField(verbose_name=_("skipped by reason"), default=dict)
    commission_total = MoneyField(verbose_name=_("commissions booked"), default=ZERO,
                                  help_text="Commissions booked less those reversed, by this import.")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(verbose_name=_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("order report import")
        verbose_name_plural = _("order report imports")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.connector} report #{self.pk}"


class ReportRow(models.Model):
    """One line of an imported order report and its outcome (imported, reversed, or skipped with a reason)."""

    class Outcome(models.TextChoices):
        IMPORTED = "imported", _("Imported")
        REVERSED = "reversed", _("Reversed")
        SKIPPED = "skipped", _("Skipped")

    report = models.ForeignKey(ReportImport, verbose_name=_("import"), on_delete=models.CASCADE,
                               related_name="lines", db_constraint=False, db_index=False)
    line = models.PositiveIntegerField(verbose_name=_("line"))
    external_order_id = models.CharField(verbose_name=_("external order id"), max_length=64, blank=True)
    reported_status = models.CharField(verbose_name=_("reported status"), max_length=16, blank=True,
                                       help_text="The row's status as the platform wrote it.")
    tracking_code = models.CharField(verbose_name=_("tracking code"), max_length=64, blank=True)
    outcome = models.CharField(verbose_name=_("outcome"), max_length=8, choices=Outcome.choices)
    reason = models.CharField(verbose_name=_("reason"), max_length=32, blank=True)
    detail = models.CharField(verbose_name=_("detail"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("order report row")
        verbose_name_plural = _("order report rows")
        ordering = ["report", "line"]
        indexes = [models.Index(fields=["report", "outcome"], name="coupon_row_report_outcome_idx")]

    def __str__(self) -> str:
        return f"#{self.report_id}:{self.line} {self.outcome} {self.reason}"


class CouponOrder(models.Model):
    """An order placed on the external platform through one of our tracking codes (券订单).

    ``status`` follows the report: paid → settled (the platform settled with us), or refunded from either.
    ``external_commission`` is the base B our plan prices; ``plan_version`` and ``chain`` are snapshotted at the
    first import, so a later rank change or plan never rewrites it.
    """

    class Status(models.TextChoices):
        PAID = "paid", _("Paid")
        SETTLED = "settled", _("Settled by the platform")
        REFUNDED = "refunded", _("Refunded")

    platform = models.CharField(verbose_name=_("platform"), max_length=32)
    external_order_id = models.CharField(verbose_name=_("external order id"), max_length=64)
    pick = models.ForeignKey(CouponPick, verbose_name=_("coupon pick"), on_delete=models.PROTECT,
                             related_name="orders", **REFERENCE)
    promoter = models.ForeignKey("network.Promoter", verbose_name=_("promoter"), on_delete=models.PROTECT,
                                 related_name="coupon_orders", **REFERENCE)
    item = models.ForeignKey(CouponItem, verbose_name=_("coupon item"), on_delete=models.PROTECT,
                             related_name="orders", **REFERENCE)
    amount = MoneyField(verbose_name=_("amount"), help_text="What the buyer paid on the platform.")
    external_commission = MoneyField(verbose_name=_("external commission"),
                                     help_text="The platform's commission to us: the commission base B.")
    plan_version = models.ForeignKey("incentives.PlanVersion", verbose_name=_("plan version"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+", **REFERENCE)
    chain = models.JSONField(verbose_name=_("chain"), default=list, help_text="The credited chain at import.")
    status = models.CharField(verbose_name=_("status"), max_length=16, choices=Status.choices,
                              default=Status.PAID)
    paid_at = models.DateTimeField(verbose_name=_("paid at"))
    settled_at = models.DateTimeField(verbose_name=_("settled at"), null=True, blank=True)
    refunded_at = models.DateTimeField(verbose_name=_("refunded at"), null=True, blank=True)
    report = models.ForeignKey(ReportImport, verbose_name=_("first imported by"), on_delete=models.PROTECT,
                               related_name="orders", **REFERENCE)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("coupon order")
        verbose_name_plural = _("coupon orders")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["platform", "external_order_id"],
                                               name="coupon_order_one_per_external_id")]

    def __str__(self) -> str:
        return f"{self.platform}:{self.external_order_id} ({self.status})"

    @property
    def ref(self) -> str:
        """The order reference on the ledger's commission snapshots."""
        return f"coupon:{self.pk}"


class CouponCommission(models.Model):
    """One promoter's commission by one rule on one coupon order (券佣金): pending until the platform settles,
    then available; a refund cancels it (pending) or claws it back (available)."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("commission status", "Pending")
        AVAILABLE = "available", pgettext_lazy("commission status", "Available")
        CANCELLED = "cancelled", pgettext_lazy("commission status", "Cancelled")
        CLAWED_BACK = "clawed_back", pgettext_lazy("commission status", "Clawed back")

    order = models.ForeignKey(CouponOrder, verbose_name=_("coupon order"), on_delete=models.PROTECT,
                              related_name="commissions", **REFERENCE)
    promoter = models.ForeignKey("network.Promoter", verbose_name=_("promoter"), on_delete=models.PROTECT,
                                 related_name="coupon_commissions", **REFERENCE)
    rule = models.CharField(verbose_name=_("rule"), max_length=64)
    base = MoneyField(verbose_name=_("base"))
    rate = models.DecimalField(verbose_name=_("rate"), max_digits=9, decimal_places=6)
    amount = MoneyField(verbose_name=_("amount"))
    status = models.CharField(verbose_name=_("status"), max_length=16, choices=Status.choices,
                              default=Status.PENDING)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("coupon commission")
        verbose_name_plural = _("coupon commissions")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["order", "promoter", "rule"],
                                               name="coupon_commission_one_per_recipient_rule"),
                       models.CheckConstraint(condition=Q(amount__gt=0), name="coupon_commission_positive")]
        indexes = [models.Index(fields=["promoter", "-id"], name="coupon_commission_promoter_idx")]

    def __str__(self) -> str:
        return f"{self.order_id} · {self.promoter_id} · {self.rule}: {self.amount} ({self.status})"
