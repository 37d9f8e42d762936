"""Settlement state beside the ledger (结算): what each commission and each order's merchant share is now.

The ledger only grows; these rows say where each commission stands (pending → available, or cancelled,
or clawed back) and when it falls due, so that the settlement task can find what to move and a refund
knows which account to take back from. ``tuishou reconcile`` proves they agree with the ledger.
Statuses move only through ``transitions``.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuishou.core.fields import MoneyField

ZERO = Decimal("0.00")


class SettleAfter(models.TextChoices):
    """What starts the freeze (the plan's ``settlement.after``)."""

    RECEIVED = "received", pgettext_lazy("SettleAfter", "Receipt")
    COMPLETED = "completed", pgettext_lazy("SettleAfter", "Completion")


class Commission(models.Model):
    """One commission (佣金): what one promoter earns by one rule on one order, or in one period.

    ``amount`` is what it is worth now (accrued less what refunds cancelled or clawed back). Per-order
    commissions are pending until ``due_at`` (receipt or completion + the plan's ``freeze_days``; empty
    until then), then available; period commissions (team volume, pools) are available when booked, or pending
    (due at once, released by settlement) while their promoter is frozen.
    """

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("Commission.Status", "Pending")
        AVAILABLE = "available", pgettext_lazy("Commission.Status", "Available")
        CANCELLED = "cancelled", pgettext_lazy("Commission.Status", "Cancelled by a refund before settlement")
        CLAWED_BACK = "clawed_back", pgettext_lazy("Commission.Status", "Clawed back after settlement")

    # Indexes: see Meta. The order's and the promoter's are covered by wider ones (db_index=False).
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="commissions", help_text="Empty for a period commission.",
                              db_index=False)
    period = models.CharField(verbose_name=_("period"),
                              max_length=7, blank=True, help_text="YYYY-MM for a period commission.")
    community = models.ForeignKey("network.Community", verbose_name=_("community"),
                                  null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", db_index=False)
    promoter = models.ForeignKey("network.Promoter", verbose_name=_("promoter"),
                                 on_delete=models.PROTECT, related_name="commissions", db_index=False)
    rule = models.CharField(verbose_name=_("rule"), max_length=64, help_text="The rule's id, else its type.")
    plan_version = models.ForeignKey("incentives.PlanVersion", verbose_name=_("plan version"),
                                     on_delete=models.PROTECT, related_name="+", db_index=False)
    base = MoneyField(verbose_name=_("base"), help_text="The base the plan's rates applied to at accrual (元).")
    rate = models.DecimalField(verbose_name=_("rate"),
                               max_digits=9, decimal_places=6, help_text="Effective rate: accrued ÷ base.")
    accrued_amount = MoneyField(verbose_name=_("accrued amount"))
    cancelled_amount = MoneyField(verbose_name=_("cancelled amount"),
                                  default=ZERO, help_text="Taken back by refunds before settlement.")
    clawed_back_amount = MoneyField(verbose_name=_("clawed back amount"),
                                    default=ZERO, help_text="Taken back by refunds after settlement.")
    amount = MoneyField(verbose_name=_("amount"), help_text="Worth now: accrued − cancelled − clawed back.")
    settled_amount = MoneyField(verbose_name=_("settled amount"),
                                null=True, blank=True, help_text="What settlement moved to available.")
    status = models.CharField(verbose_name=_("status"),
                              max_length=16, choices=Status.choices, default=Status.PENDING)
    freeze_days = models.PositiveIntegerField(verbose_name=_("freeze days"), default=0)
    settle_after = models.CharField(verbose_name=_("settle after"),
                                    max_length=16, choices=SettleAfter.choices, default=SettleAfter.RECEIVED)
    due_at = models.DateTimeField(verbose_name=_("due at"), null=True, blank=True)
    settled_at = models.DateTimeField(verbose_name=_("settled at"), null=True, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("commission")
        verbose_name_plural = _("commissions")
        ordering = ["-id"]
        # Few indexes, and none with ``status`` but the partial one that only pending rows are in: settling a
        # commission writes a new row version into every index that holds it (status changes, so the update cannot
        # be HOT), and the settled version goes into the pk, the order's unique key and the promoter's index only
        # (bench/settle.py; docs/deployment.md "Settlement and the sponsor tree at scale"). Lookups by order use the
        # order's unique key, by promoter its (promoter, -id) index; the plan version (never deleted) has none.
        indexes = [models.Index(fields=["due_at"], condition=Q(status="pending"), name="commission_pending_due_idx"),
                   models.Index(fields=["promoter", "-id"], name="commission_promoter_idx"),
                   models.Index(fields=["community"], condition=Q(community__isnull=False),
                                name="commission_community_idx")]
        constraints = [
            models.UniqueConstraint(fields=["order", "promoter", "rule"], condition=Q(order__isnull=False),
                                    name="commission_one_per_order_recipient_rule"),
            models.UniqueConstraint(fields=["community", "period", "promoter", "rule"], condition=Q(order__isnull=True),
                                    name="commission_one_per_period_recipient_rule"),
            models.CheckConstraint(condition=Q(order__isnull=False, period="") | Q(order__isnull=True)
                                   & ~Q(period="") & Q(community__isnull=False),
                                   name="commission_order_or_period"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="commission_amount_not_negative"),
        ]

    def __str__(self) -> str:
        what = f"order {self.order_id}" if self.order_id else f"period {self.period}"
        return f"{what} · {self.promoter_id} · {self.rule}: {self.amount} ({self.status})"


class MerchantReceivable(models.Model):
    """What a merchant is owed for one order (商家应收): paid − B − fee, pending until due, then settled.

    The amounts are what is left after refunds; ``refunded_amount`` is what refunds took off the paid amount.
    """

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("MerchantReceivable.Status", "Pending")
        SETTLED = "settled", pgettext_lazy("MerchantReceivable.Status", "Settled")
        CANCELLED = "cancelled", pgettext_lazy("MerchantReceivable.Status", "Fully refunded before settlement")

    order = models.OneToOneField("orders.Order", verbose_name=_("order"),
                                 on_delete=models.PROTECT, related_name="receivable")
    merchant = models.ForeignKey("merchants.Merchant", verbose_name=_("merchant"),
                                 on_delete=models.PROTECT, related_name="receivables", db_index=False)
    fee_rate = models.DecimalField(verbose_name=_("fee rate"), max_digits=5, decimal_places=4)
    paid_amount = MoneyField(verbose_name=_("paid amount"), help_text="Paid, less refunds.")
    refunded_amount = MoneyField(verbose_name=_("refunded amount"), default=ZERO)
    commission_base = MoneyField(verbose_name=_("commission base"), help_text="B, less refunds.")
    fee = MoneyField(verbose_name=_("fee"), help_text="Platform fee on what is still paid (rounded down).")
    net = MoneyField(verbose_name=_("net"), help_text="Owed to the merchant: paid − B − fee.")
    settled_net = MoneyField(verbose_name=_("settled net"),
                             null=True, blank=True, help_text="What settlement moved to the merchant's payable.")
    clawed_back_amount = MoneyField(verbose_name=_("clawed back amount"),
                                    default=ZERO, help_text="Taken back from the merchant after settlement.")
    status = models.CharField(verbose_name=_("status"),
                              max_length=16, choices=Status.choices, default=Status.PENDING)
    freeze_days = models.PositiveIntegerField(verbose_name=_("freeze days"), default=0)
    settle_after = models.CharField(verbose_name=_("settle after"),
                                    max_length=16, choices=SettleAfter.choices, default=SettleAfter.RECEIVED)
    due_at = models.DateTimeField(verbose_name=_("due at"), null=True, blank=True)
    settled_at = models.DateTimeField(verbose_name=_("settled at"), null=True, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("merchant receivable")
        verbose_name_plural = _("merchant receivables")
        ordering = ["-id"]
        # As for commissions: status only in the partial index of pending rows.
        indexes = [models.Index(fields=["due_at"], condition=Q(status="pending"), name="receivable_pending_due_idx"),
                   models.Index(fields=["merchant", "-id"], name="receivable_merchant_idx")]

    def __str__(self) -> str:
        return f"order {self.order_id} → merchant {self.merchant_id}: {self.net} ({self.status})"


class PeriodSettlement(models.Model):
    """One month's period rules booked for one community (月度结算): at most one per (community, period)."""

    community = models.ForeignKey("network.Community", verbose_name=_("community"),
                                  on_delete=models.PROTECT, related_name="+")
    period = models.CharField(verbose_name=_("period"),
                              max_length=7, help_text="YYYY-MM, calendar month in the platform's time zone.")
    plan_version = models.ForeignKey("incentives.PlanVersion", verbose_name=_("plan version"),
                                     on_delete=models.PROTECT, related_name="+")
    base_total = MoneyField(verbose_name=_("base total"),
                            help_text="Σ B of the orders completed in the month, less refunds.")
    payout_total = MoneyField(verbose_name=_("payout total"))
    recipients = models.PositiveIntegerField(verbose_name=_("recipients"), default=0)
    entry_key = models.CharField(verbose_name=_("entry key"),
                                 max_length=200, blank=True, help_text="Empty when nothing was paid.")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("period settlement")
        verbose_name_plural = _("period settlements")
        ordering = ["-period", "community_id"]
        constraints = [models.UniqueConstraint(fields=["community", "period"], name="period_settlement_once")]

    def __str__(self) -> str:
        return f"{self.community_id} {self.period}: {self.payout_total}"
