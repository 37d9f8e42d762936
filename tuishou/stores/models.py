"""Micro-stores (微店), share links and their clicks, and the binding of consumers to promoters (绑定 / 锁粉).

Rows here change only through ``services`` (stores and links) and ``attribution`` (visits and bindings).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Store(models.Model):
    """A promoter's micro-store (微店): goods picked from the supply pool, no stock held (无需囤货).

    One per promoter, created the first time the promoter uses it; ``code`` is the short code of its page
    (``/m/<code>``).
    """

    promoter = models.OneToOneField("network.Promoter", verbose_name=_("promoter"),
                                    on_delete=models.PROTECT, related_name="store")
    code = models.CharField(verbose_name=_("code"), max_length=12, unique=True)
    title = models.CharField(verbose_name=_("title"), max_length=60)
    slogan = models.CharField(verbose_name=_("slogan"),
                              max_length=200, blank=True, help_text="The promoter's recommendation line (店铺推荐语).")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"


class StoreItem(models.Model):
    """A product picked into a store (选品), with the promoter's own title and recommendation text.

    ``title`` empty means the product's own title. Items are shown by ``position``, lowest first.
    """

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"),
                                on_delete=models.PROTECT, related_name="+")
    title = models.CharField(verbose_name=_("title"),
                             max_length=120, blank=True, help_text="Own title; empty: the product's title.")
    recommendation = models.TextField(verbose_name=_("recommendation"),
                                      blank=True, help_text="The promoter's recommendation text (推荐语).")
    position = models.PositiveIntegerField(verbose_name=_("position"), default=0)
    hidden = models.BooleanField(verbose_name=_("hidden"), default=False)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("store item")
        verbose_name_plural = _("store items")
        ordering = ["store_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["store", "product"], name="store_item_unique_product")]

    def __str__(self) -> str:
        return f"{self.store.code} · {self.title or self.product}"

    @property
    def display_title(self) -> str:
        return self.title or self.product.title


class ShareLink(models.Model):
    """A promoter's share link (分享链接) to their store or to one product, at ``/s/<code>``.

    One link per (promoter, target) is reused. Clicks and orders are counted from rows (``ShareClick``,
    orders carrying ``share_link``), never stored on the link.
    """

    class Target(models.TextChoices):
        STORE = "store", pgettext_lazy("ShareLink.Target", "Store")
        PRODUCT = "product", pgettext_lazy("ShareLink.Target", "Product")

    code = models.CharField(verbose_name=_("code"), max_length=12, unique=True)
    promoter = models.ForeignKey("network.Promoter", verbose_name=_("promoter"),
                                 on_delete=models.PROTECT, related_name="share_links")
    target = models.CharField(verbose_name=_("target"), max_length=8, choices=Target.choices)
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"),
                                null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    material = models.ForeignKey("community.Material", verbose_name=_("material"), null=True, blank=True,
                                 on_delete=models.PROTECT,
                                 related_name="links", help_text="The selling material this link carries (素材).")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("share link")
        verbose_name_plural = _("share links")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=(Q(target="store", product__isnull=True)
                                              | Q(target="product", product__isnull=False)),
                                   name="share_link_target_product"),
            # Partial unique indexes: a NULL product would never collide in a plain unique (promoter, product).
            models.UniqueConstraint(fields=["promoter"], condition=Q(target="store"), name="share_link_one_store"),
            models.UniqueConstraint(fields=["promoter", "product"], condition=Q(target="product", material=None),
                                    name="share_link_one_per_product"),
            # A reused material goes out through the reuser's own link carrying it: one per (promoter, material).
            models.UniqueConstraint(fields=["promoter", "material"], condition=Q(material__isnull=False),
                                    name="share_link_one_per_material"),
            models.CheckConstraint(condition=Q(material=None) | Q(target="product"),
                                   name="share_link_material_product"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.target})"


class ShareClick(models.Model):
    """One counted open of a share link (``/s/<code>``). ``visitor_key`` is the signed cookie id, so unique
    visitors are counted without an account; only digests of the user agent and of address + user agent are
    kept. Bots and repeat opens within the dedupe window make no row (``services.share_click_record``)."""

    link = models.ForeignKey(ShareLink, verbose_name=_("link"), on_delete=models.CASCADE, related_name="clicks")
    visitor_key = models.CharField(verbose_name=_("visitor key"), max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    at = models.DateTimeField(verbose_name=_("at"))
    user_agent_hash = models.CharField(verbose_name=_("user agent hash"), max_length=64, blank=True)
    visitor_hash = models.CharField(
        verbose_name=_("visitor fingerprint"), max_length=64, blank=True,
        help_text="Keyed digest of the address and user agent: a repeat open without the cookie is not counted "
                  "again within the dedupe window. The address itself is not kept.")

    class Meta:
        verbose_name = _("share click")
        verbose_name_plural = _("share clicks")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["link", "visitor_key"], name="share_click_link_visitor_idx"),
                   models.Index(fields=["link", "visitor_hash", "at"], name="share_click_link_print_idx")]

    def __str__(self) -> str:
        return f"{self.link.code} @ {self.at:%Y-%m-%d %H:%M}"


class ConsumerBinding(models.Model):
    """Who a consumer is bound to in a community (绑定 / 锁粉), by the community plan's ``binding`` setting.

    At most one per (consumer, community). It counts while ``expires_at`` is empty or later than the time
    asked about; an expired row stays until the next visit replaces it.
    """

    class Mode(models.TextChoices):
        FIRST_CLICK = "first_click", pgettext_lazy("ConsumerBinding.Mode", "First click")
        LAST_CLICK = "last_click", pgettext_lazy("ConsumerBinding.Mode", "Last click")
        REGISTRATION = "registration", pgettext_lazy("ConsumerBinding.Mode", "At registration")

    consumer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("consumer"),
                                 on_delete=models.PROTECT, related_name="bindings")
    promoter = models.ForeignKey("network.Promoter", verbose_name=_("promoter"),
                                 on_delete=models.PROTECT, related_name="bound_consumers")
    community = models.ForeignKey("network.Community", verbose_name=_("community"),
                                  on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(verbose_name=_("mode"), max_length=16, choices=Mode.choices)
    bound_at = models.DateTimeField(verbose_name=_("bound at"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"), null=True, blank=True)
    source_link = models.ForeignKey(ShareLink, verbose_name=_("source link"),
                                    null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("consumer binding")
        verbose_name_plural = _("consumer bindings")
        ordering = ["-bound_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["consumer", "community"], name="binding_one_per_community")]

    def __str__(self) -> str:
        return f"{self.consumer} → {self.promoter} ({self.mode})"

    def valid_at(self, at) -> bool:
        return self.expires_at is None or self.expires_at > at


class AttributionVisit(models.Model):
    """A visit through a share link that counts for binding: a click on ``/s/<code>`` or a checkout with a
    share code. Before sign-in ``user`` is empty; signing in claims the visitor's visits (sets ``user``)."""

    visitor_key = models.CharField(verbose_name=_("visitor key"), max_length=64, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    link = models.ForeignKey(ShareLink, verbose_name=_("link"), on_delete=models.CASCADE, related_name="visits")
    at = models.DateTimeField(verbose_name=_("at"))
    claimed_at = models.DateTimeField(verbose_name=_("claimed at"),
                                      null=True, blank=True, help_text="When a sign-in took it over.")

    class Meta:
        verbose_name = _("attribution visit")
        verbose_name_plural = _("attribution visits")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["visitor_key", "user"], name="attribution_visit_key_idx")]

    def __str__(self) -> str:
        return f"{self.visitor_key or self.user_id} via {self.link.code}"
