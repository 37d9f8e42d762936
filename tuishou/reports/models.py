"""The reports' own tables: rollups of the figures the dashboard and the income disclosure read, so that a page
reads a few thousand summed rows instead of a million orders and three million ledger lines.

They hold nothing the domains do not: every figure is a sum that ``tuishou.reports.rollups`` derives from the
orders and the ledger, and a page adds what the rollup has not folded yet (see that module), so the figures stay
exactly those computed from the books. Rows are deltas: several rows may share a key and are summed on read;
the upkeep compacts them. Amounts in integer minor units (``MoneyField``), so sums are exact on every database.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tuishou.core.fields import MoneyField


class DayOrders(models.Model):
    """Orders paid on one platform day (Asia/Shanghai) of one community and one merchant: GMV, count, B after
    refunds, refunded amount, and the net of their ledger lines (commissions; up to the ledger mark)."""

    day = models.DateField(verbose_name=_("day"))
    community_id = models.BigIntegerField(verbose_name=_("community"), null=True, blank=True)
    merchant_id = models.BigIntegerField(verbose_name=_("merchant"))
    gmv = MoneyField(verbose_name=_("GMV"), default=0)
    orders = models.IntegerField(verbose_name=_("orders"), default=0)
    base = MoneyField(verbose_name=_("commission base remaining"), default=0)
    refunded = MoneyField(verbose_name=_("refunded amount"), default=0)
    lines = MoneyField(verbose_name=_("commission lines"), default=0,
                       help_text="Σ of the orders' ledger lines (promoter credits are negative).")

    class Meta:
        verbose_name = _("daily order figures")
        verbose_name_plural = _("daily order figures")
        indexes = [models.Index(fields=["day"], name="report_dayorders_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} community {self.community_id} merchant {self.merchant_id}"


class PromoterDay(models.Model):
    """What one promoter earned on one platform day: Σ of their commission lines in entries of that day."""

    promoter_id = models.BigIntegerField(verbose_name=_("promoter"))
    day = models.DateField(verbose_name=_("day"))
    amount = MoneyField(verbose_name=_("amount"), default=0)

    class Meta:
        verbose_name = _("daily promoter earnings")
        verbose_name_plural = _("daily promoter earnings")
        indexes = [models.Index(fields=["day"], name="report_promoterday_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} promoter {self.promoter_id}"


class DayPromoters(models.Model):
    """Promoters who joined on one platform day in one community (up to the ``promoters`` mark)."""

    day = models.DateField(verbose_name=_("day"))
    community_id = models.BigIntegerField(verbose_name=_("community"), null=True, blank=True)
    joined = models.IntegerField(verbose_name=_("joined"), default=0)

    class Meta:
        verbose_name = _("daily new promoters")
        verbose_name_plural = _("daily new promoters")
        indexes = [models.Index(fields=["day"], name="report_daypromoters_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} community {self.community_id}"


class PromoterWindow(models.Model):
    """One promoter as the income disclosure counts them: community, rank (as stored: an empty rank is the plan's
    lowest, mapped on read), joined, and Σ of their ``PromoterDay`` rows from the ``earnings_window`` mark's day
    on (every day after it too). Every promoter up to the ``promoters`` mark has a row, earners or not."""

    promoter_id = models.BigIntegerField(verbose_name=_("promoter"), primary_key=True)
    community_id = models.BigIntegerField(verbose_name=_("community"), null=True, blank=True)
    rank = models.CharField(verbose_name=_("rank"), max_length=32, blank=True, default="")
    created_at = models.DateTimeField(verbose_name=_("joined at"))
    amount = MoneyField(verbose_name=_("amount"), default=0)

    class Meta:
        verbose_name = _("promoter's 12-month earnings")
        verbose_name_plural = _("promoters' 12-month earnings")

    def __str__(self) -> str:
        return f"promoter {self.promoter_id}"


class DayCases(models.Model):
    """After-sales cases per platform day × community × merchant: ``opened`` on their opened day; ``due``,
    ``answered`` and ``late`` (answered after the deadline) on the day their answer was due; ``open_delta`` the
    change of the number of open cases (creations and status moves of that day). Cases up to the ``cases`` mark,
    status moves up to ``case_moves``."""

    day = models.DateField(verbose_name=_("day"))
    community_id = models.BigIntegerField(verbose_name=_("community"), null=True, blank=True)
    merchant_id = models.BigIntegerField(verbose_name=_("merchant"))
    opened = models.IntegerField(verbose_name=_("opened"), default=0)
    due = models.IntegerField(verbose_name=_("answers due"), default=0)
    answered = models.IntegerField(verbose_name=_("answered"), default=0)
    late = models.IntegerField(verbose_name=_("answered late"), default=0)
    open_delta = models.IntegerField(verbose_name=_("change of open cases"), default=0)

    class Meta:
        verbose_name = _("daily after-sales figures")
        verbose_name_plural = _("daily after-sales figures")
        indexes = [models.Index(fields=["day"], name="report_daycases_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} community {self.community_id} merchant {self.merchant_id}"


class RollupMark(models.Model):
    """How far a rollup has folded an append-only source: ``ledger`` = the last journal line id included,
    ``promoters`` the last promoter id, ``community_moves`` the last audit entry of a community choice."""

    name = models.CharField(verbose_name=_("name"), max_length=32, primary_key=True)
    through = models.BigIntegerField(verbose_name=_("through id"), default=0)
    day = models.DateField(verbose_name=_("day"), null=True, blank=True,
                           help_text="``earnings_window``: the first day ``PromoterWindow`` sums.")
    updated_at = models.DateTimeField(verbose_name=_("updated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rollup mark")
        verbose_name_plural = _("rollup marks")

    def __str__(self) -> str:
        return f"{self.name} → {self.through}"
