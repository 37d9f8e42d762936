"""The commission ledger (佣金账本): accounts, journal entries and their lines.

Double-entry and append-only. Sign convention (see ``entries``): a debit is positive, a credit is
negative, every entry's lines add up to zero, and an account's ``balance`` is the plain signed sum of
its lines. ``Account.Kind`` says which side is each account's normal side, for display and for the
"no overdraft" check only.

Entries and lines are never updated or deleted: the model refuses ``save()`` of an existing row and
``delete()``, the querysets refuse ``update()`` and ``delete()``, and on PostgreSQL row-level triggers
refuse UPDATE and DELETE from plain SQL too (migration 0002). A mistake is corrected by a reversing
entry. An account row changes only in its cached ``balance`` and ``line_count``, through
``services.journal_post``. Foreign keys into the ledger, here and in other apps, use ``PROTECT``.

What changes state (a commission going pending → available → clawed back, a withdrawal under review)
lives in its own rows beside the ledger, which only ever grows.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuishou.core.errors import Conflict
from tuishou.core.fields import MoneyField
from tuishou.core.money import CURRENCY
from tuishou.ledger.entries import CommissionSnapshot
from tuishou.ledger.errors import LedgerError


class AppendOnlyViolation(Conflict):
    """Something tried to change or remove a ledger row."""

    def __init__(self, what: str) -> None:
        super().__init__(LedgerError.APPEND_ONLY, what=what)


class AppendOnlyQuerySet(models.QuerySet):
    """A queryset that can read and insert, never update or delete."""

    def update(self, **kwargs):
        raise AppendOnlyViolation(f"updating {self.model._meta.verbose_name_plural}")

    def delete(self):
        raise AppendOnlyViolation(f"deleting {self.model._meta.verbose_name_plural}")

    # Refused before bulk_update opens its transaction, so the caller's transaction stays usable.
    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyViolation(f"updating {self.model._meta.verbose_name_plural}")

    # The deletion collector's fast path (cascades from other models) skips delete() and calls this.
    def _raw_delete(self, using):
        raise AppendOnlyViolation(f"deleting {self.model._meta.verbose_name_plural}")


class AppendOnlyModel(models.Model):
    """A row that is written once: ``save()`` inserts, and refuses once the row exists."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyViolation(f"changing {self._meta.verbose_name} #{self.pk}")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyViolation(f"deleting {self._meta.verbose_name} #{self.pk}")


class AccountQuerySet(models.QuerySet):
    """Accounts: only the cached balance and line count may be updated, and nothing deleted."""

    CACHED_FIELDS = frozenset({"balance", "line_count"})

    def update(self, **kwargs):
        if not set(kwargs) <= self.CACHED_FIELDS:
            raise AppendOnlyViolation(f"updating account fields {sorted(set(kwargs) - self.CACHED_FIELDS)}")
        return super().update(**kwargs)

    def delete(self):
        raise AppendOnlyViolation("deleting accounts")

    def _raw_delete(self, using):
        raise AppendOnlyViolation("deleting accounts")


class AccountKind(models.TextChoices):
    """What an account holds; promoter kinds belong to a promoter, merchant kinds to a merchant."""

    PROMOTER_PENDING = "promoter_pending", "Promoter pending commission (待结算佣金)"
    PROMOTER_AVAILABLE = "promoter_available", "Promoter available balance (可提现余额)"
    PROMOTER_FROZEN = "promoter_frozen", "Promoter frozen balance (提现冻结)"
    PROMOTER_WITHDRAWN = "promoter_withdrawn", "Promoter withdrawn total (已提现)"
    COMMISSION_EXPENSE = "commission_expense", "Platform commission expense (佣金支出)"
    MERCHANT_PAYABLE = "merchant_payable", "Payable to merchant (应付商家)"
    MERCHANT_PENDING = "merchant_pending", "Payable to merchant, pending settlement (待结算货款)"
    MERCHANT_FROZEN = "merchant_frozen", "Payable to merchant, frozen by a withdrawal (商家提现冻结)"
    MERCHANT_WITHDRAWN = "merchant_withdrawn", "Merchant withdrawn total (商家已提现)"
    PLATFORM_REVENUE = "platform_revenue", "Platform revenue: fees (平台收入)"
    PAYOUT_CLEARING = "payout_clearing", "Payout clearing (出款在途)"
    GATEWAY_CLEARING = "gateway_clearing", "Payment gateway clearing (收款在途)"
    CUSTOMER_REFUNDS = "customer_refunds", "Customer refunds (退款)"
    COMMISSION_MARGIN = "commission_margin", "Platform commission margin: B less payouts (佣金留存)"
    MARKETING_EXPENSE = "marketing_expense", "Platform marketing expense: materials rewards (营销费用)"
    MATERIALS_REWARD_POOL = "materials_reward_pool", "Materials reward pool, funded and not yet paid (素材奖励池)"
    COUPON_RECEIVABLE = "coupon_receivable", "Receivable from coupon platforms: their commissions (券佣金应收)"
    PAYOUT_RECEIVABLE = "payout_receivable", "Payouts paid twice, owed back by payees (重复出款应收)"
    PAYOUT_LOSS = "payout_loss", "Payouts paid twice, written off (重复出款损失)"


PROMOTER_KINDS = frozenset({AccountKind.PROMOTER_PENDING, AccountKind.PROMOTER_AVAILABLE, AccountKind.PROMOTER_FROZEN,
                            AccountKind.PROMOTER_WITHDRAWN})
MERCHANT_KINDS = frozenset({AccountKind.MERCHANT_PAYABLE, AccountKind.MERCHANT_PENDING, AccountKind.MERCHANT_FROZEN,
                            AccountKind.MERCHANT_WITHDRAWN})
PLATFORM_KINDS = frozenset(set(AccountKind) - PROMOTER_KINDS - MERCHANT_KINDS)
# Liabilities and income hold money on the credit side; expenses and assets on the debit side.
CREDIT_NORMAL_KINDS = frozenset(PROMOTER_KINDS | MERCHANT_KINDS | {AccountKind.PLATFORM_REVENUE,
                                                                   AccountKind.PAYOUT_CLEARING,
                                                                   AccountKind.COMMISSION_MARGIN,
                                                                   AccountKind.MATERIALS_REWARD_POOL})


class Account(models.Model):
    """A ledger account (账户): one per kind and owner, with its balance cached.

    Promoter kinds belong to a promoter, merchant kinds (pending, payable, frozen, withdrawn) to a merchant,
    the others to the platform (no owner). ``balance`` is the signed sum of the account's lines (debit +, credit −) and
    ``line_count`` their number; both are updated in the transaction that posts the lines, and
    ``tuishou reconcile`` proves they equal a recomputation.
    """

    Kind = AccountKind
    PROMOTER_KINDS = PROMOTER_KINDS
    MERCHANT_KINDS = MERCHANT_KINDS
    PLATFORM_KINDS = PLATFORM_KINDS
    CREDIT_NORMAL_KINDS = CREDIT_NORMAL_KINDS

    kind = models.CharField(verbose_name=_("kind"), max_length=32, choices=Kind.choices)
    promoter = models.ForeignKey("network.Promoter", verbose_name=_("promoter"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="ledger_accounts")
    merchant = models.ForeignKey("merchants.Merchant", verbose_name=_("merchant"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="ledger_accounts")
    currency = models.CharField(verbose_name=_("currency"), max_length=3, default=CURRENCY)
    key = models.CharField(verbose_name=_("key"), max_length=80, unique=True,
                           help_text="kind[:promoter:id|:merchant:id]: unique even when the owner is empty.")
    balance = MoneyField(verbose_name=_("balance"),
                         default=Decimal("0.00"), help_text="Signed sum of the lines (debit +, credit −).")
    line_count = models.PositiveBigIntegerField(verbose_name=_("line count"),
                                                default=0, help_text="Number of lines posted to this account.")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind__in=sorted(PROMOTER_KINDS), promoter__isnull=False, merchant__isnull=True)
                           | Q(kind__in=sorted(MERCHANT_KINDS), promoter__isnull=True, merchant__isnull=False)
                           | Q(kind__in=sorted(PLATFORM_KINDS), promoter__isnull=True, merchant__isnull=True)),
                name="ledger_account_owner_fits_kind"),
        ]

    def __str__(self) -> str:
        return self.key

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyViolation(f"changing account {self.key} (only postings move its balance)")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyViolation(f"deleting account {self.key}")

    @property
    def credit_normal(self) -> bool:
        return self.kind in self.CREDIT_NORMAL_KINDS

    @property
    def amount(self) -> Decimal:
        """The balance as a person reads it: positive on the account's normal side (e.g. what a promoter is owed)."""
        return -self.balance if self.credit_normal else self.balance

    @staticmethod
    def key_for(kind: str, *, promoter_id: int | None = None, merchant_id: int | None = None) -> str:
        if promoter_id is not None:
            return f"{kind}:promoter:{promoter_id}"
        if merchant_id is not None:
            return f"{kind}:merchant:{merchant_id}"
        return kind


class JournalEntry(AppendOnlyModel):
    """A journal entry (记账凭证): lines that add up to zero, posted together, never changed.

    ``key`` makes posting idempotent: a retry with the same key returns the first entry. A correction is a
    new entry whose ``reverses`` points at the one it cancels.
    """

    class Kind(models.TextChoices):
        COMMISSION_ACCRUED = "commission_accrued", "Commission accrued, pending (佣金计提)"
        COMMISSION_SETTLED = "commission_settled", "Commission settled, available (佣金结算)"
        COMMISSION_CANCELLED = "commission_cancelled", "Commission cancelled before settlement (佣金取消)"
        COMMISSION_CLAWBACK = "commission_clawback", "Commission clawed back after settlement (佣金追回)"
        WITHDRAWAL_REQUESTED = "withdrawal_requested", "Withdrawal requested, frozen (提现申请)"
        WITHDRAWAL_REJECTED = "withdrawal_rejected", "Withdrawal rejected, released (提现驳回)"
        WITHDRAWAL_PAID = "withdrawal_paid", "Withdrawal paid out (提现到账)"
        WITHDRAWAL_FAILED = "withdrawal_failed", "Withdrawal payout failed (出款失败)"
        ORDER_PAID = "order_paid", "Order paid (订单支付)"
        ORDER_REFUNDED = "order_refunded", "Order refunded (订单退款)"
        MERCHANT_SETTLED = "merchant_settled", "Merchant settled (商家结算)"
        PERIOD_COMMISSION = "period_commission", "Period commission: team volume, pools (月度奖励)"
        ADJUSTMENT = "adjustment", "Operator adjustment (人工调整)"
        REVERSAL = "reversal", "Reversal (冲正)"
        INSPECTION_REWARD = "inspection_reward", "Inspection report reward (验货奖励)"
        MATERIALS_REWARD_POOL = "materials_reward_pool", "Materials reward pool funded or returned (素材奖励池)"
        MATERIALS_REWARD = "materials_reward", "Materials reward paid to an author (素材奖励)"
        WITHDRAWAL_PAID_AFTER_FAILED = "withdrawal_paid_after_failed", "Payout paid after it failed (失败后到账)"
        WITHDRAWAL_PAYOUT_REVERSED = "withdrawal_payout_reversed", "Payout failed after paid (到账后失败冲回)"
        PAYOUT_DEBT_RECOVERED = "payout_debt_recovered", "Payout paid twice, recovered from the balance (重复出款追回)"
        PAYOUT_DEBT_WRITTEN_OFF = "payout_debt_written_off", "Payout paid twice, written off (重复出款核销)"

    # Entries that move commission must say on every promoter line what the commission was computed from.
    COMMISSION_KINDS = frozenset({Kind.COMMISSION_ACCRUED, Kind.COMMISSION_CANCELLED, Kind.COMMISSION_CLAWBACK,
                                  Kind.PERIOD_COMMISSION})

    kind = models.CharField(verbose_name=_("kind"), max_length=32, choices=Kind.choices, db_index=True)
    key = models.CharField(verbose_name=_("key"),
                           max_length=200, unique=True, help_text="Idempotency key: one entry per key, ever.")
    memo = models.TextField(verbose_name=_("memo"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"),
                              null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", help_text="Empty when the system posted it by itself.")
    reverses = models.OneToOneField("self", verbose_name=_("reverses"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversal", help_text="The entry this one cancels.")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("journal entry")
        ordering = ["-id"]
        verbose_name_plural = _("journal entries")

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.key}"


class JournalLine(AppendOnlyModel):
    """One line of an entry: ``amount`` on ``account``, debit positive and credit negative.

    Commission lines carry a snapshot (order, order line, plan id and version, rule, rate, base); the
    snapshot columns are either all empty or all filled, except the order line, which is empty for a
    commission computed on the whole order (every per-order rule rounds once per order) or on a period.
    """

    entry = models.ForeignKey(JournalEntry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="lines")
    amount = MoneyField(verbose_name=_("amount"), help_text="Debit positive, credit negative (元).")
    order_ref = models.CharField(verbose_name=_("order ref"), max_length=64, null=True, blank=True)
    order_line_ref = models.CharField(verbose_name=_("order line ref"), max_length=64, null=True, blank=True)
    plan_id = models.CharField(verbose_name=_("plan id"),
                               max_length=64, null=True, blank=True, help_text="The plan's key.")
    plan_version = models.PositiveIntegerField(verbose_name=_("plan version"), null=True, blank=True)
    rule = models.CharField(verbose_name=_("rule"), max_length=64, null=True, blank=True)
    rate = models.DecimalField(verbose_name=_("rate"), max_digits=9, decimal_places=6, null=True, blank=True)
    base = MoneyField(verbose_name=_("base"),
                      null=True, blank=True, help_text="Commission base the rate applied to (元).")

    SNAPSHOT_FIELDS = ("order_ref", "order_line_ref", "plan_id", "plan_version", "rule", "rate", "base")

    class Meta:
        verbose_name = _("journal line")
        verbose_name_plural = _("journal lines")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["account", "id"], name="ledger_line_account_idx"),
            models.Index(fields=["order_ref"], name="ledger_line_order_idx", condition=Q(order_ref__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_line_amount_not_zero"),
            models.CheckConstraint(
                condition=(Q(order_ref__isnull=True, order_line_ref__isnull=True, plan_id__isnull=True,
                             plan_version__isnull=True, rule__isnull=True, rate__isnull=True, base__isnull=True)
                           | Q(order_ref__isnull=False, plan_id__isnull=False,
                               plan_version__isnull=False, rule__isnull=False, rate__isnull=False,
                               base__isnull=False)),
                name="ledger_line_snapshot_all_or_none"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount}"

    @property
    def snapshot(self) -> CommissionSnapshot | None:
        if self.order_ref is None:
            return None
        return CommissionSnapshot(order_ref=self.order_ref, order_line_ref=self.order_line_ref,
                                  plan_id=self.plan_id, plan_version=self.plan_version, rule=self.rule,
                                  rate=self.rate, base=self.base)
