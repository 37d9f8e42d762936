"""Materials reward periods (素材奖励期): an operator funds a pool for a period, and after it ends the pool is split
among the authors whose materials led to orders (``rewards_split`` holds the formula), paid into their wallets.

A period moves draft → open (the pool is funded from the platform's marketing expense into the materials reward
pool account) → settled (paid out, the rest returned), or draft/open → cancelled (an open pool returns whole).
``RewardLine`` is one author's outcome of a settled period: weight, ratings, why they were left out, the amount
and the ledger entry that paid it (key ``materials_reward:<period>:author:<promoter>``, one per period × author).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuishou.core.fields import MoneyField
from tuishou.core.transitions import StatusChange


class RewardPeriod(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("reward period", "Draft")
        OPEN = "open", pgettext_lazy("reward period", "Funded")
        SETTLED = "settled", pgettext_lazy("reward period", "Paid")
        CANCELLED = "cancelled", pgettext_lazy("reward period", "Cancelled")

    title = models.CharField(verbose_name=_("title"), max_length=80)
    community = models.ForeignKey("network.Community", verbose_name=_("community"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="reward_periods",
                                  help_text="Empty: platform-wide (materials of every community).")
    starts_on = models.DateField(verbose_name=_("starts on"))
    ends_on = models.DateField(verbose_name=_("ends on"), help_text="Inclusive, in the platform's time zone.")
    pool = MoneyField(verbose_name=_("pool"))
    cap_share = models.DecimalField(verbose_name=_("cap per author"), max_digits=4, decimal_places=3,
                                    help_text="The most one author may receive, as a share of the pool (0–1].")
    min_rating = models.DecimalField(verbose_name=_("minimum average rating"), max_digits=3, decimal_places=2)
    min_ratings = models.PositiveIntegerField(verbose_name=_("minimum number of ratings"))
    status = models.CharField(verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(verbose_name=_("created at"), default=timezone.now)
    funded_at = models.DateTimeField(verbose_name=_("funded at"), null=True, blank=True)
    settled_at = models.DateTimeField(verbose_name=_("settled at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(verbose_name=_("cancelled at"), null=True, blank=True)
    paid_total = MoneyField(verbose_name=_("paid total"), default=Decimal("0.00"))
    returned_total = MoneyField(verbose_name=_("returned total"), default=Decimal("0.00"))

    class Meta:
        verbose_name = _("materials reward period")
        ordering = ["-starts_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="reward_period_dates_ordered"),
                       models.CheckConstraint(condition=Q(pool__gt=0), name="reward_period_pool_positive")]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on}–{self.ends_on})"


class RewardPeriodStatusChange(StatusChange):
    period = models.ForeignKey(RewardPeriod, verbose_name=_("reward period"), on_delete=models.CASCADE,
                               related_name="status_changes")

    class Meta:
        verbose_name = _("reward period status change")

    def __str__(self) -> str:
        return f"{self.period_id}: {self.from_status or '∅'} → {self.to_status}"


class RewardLine(models.Model):
    """One author's outcome of a settled period (also the authors left out, with why)."""

    class Excluded(models.TextChoices):
        NONE = "", _("Eligible")
        FROZEN = "frozen", _("Frozen promoter")
        FEW_RATINGS = "few_ratings", _("Too few ratings")
        LOW_RATING = "low_rating", _("Rating below the minimum")

    period = models.ForeignKey(RewardPeriod, verbose_name=_("reward period"), on_delete=models.PROTECT,
                               related_name="lines")
    author = models.ForeignKey("network.Promoter", verbose_name=_("author"), on_delete=models.PROTECT,
                               related_name="reward_lines")
    orders = models.PositiveIntegerField(verbose_name=_("citation-led orders"))
    weight = models.DecimalField(verbose_name=_("weight"), max_digits=14, decimal_places=6)
    rating = models.DecimalField(verbose_name=_("average rating"), max_digits=3, decimal_places=2, null=True,
                                 blank=True)
    ratings = models.PositiveIntegerField(verbose_name=_("ratings"))
    excluded = models.CharField(verbose_name=_("left out because"), max_length=12, choices=Excluded.choices,
                                blank=True, default="")
    capped = models.BooleanField(verbose_name=_("at the cap"), default=False)
    amount = MoneyField(verbose_name=_("amount"), default=Decimal("0.00"))
    entry = models.OneToOneField("ledger.JournalEntry", verbose_name=_("journal entry"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("reward line")
        ordering = ["-amount", "author_id"]
        constraints = [models.UniqueConstraint(fields=["period", "author"], name="reward_line_one_per_author")]

    def __str__(self) -> str:
        return f"{self.period_id} {self.author_id} {self.amount}"
