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
from django.utils.translation import pgettext_lazy

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

    PROMOTER_PENDING = "promoter_pending", pgettext_lazy("AccountKind", "Promoter pending commission")
    PROMOTER_AVAILABLE = "promoter_available", pgettext_lazy("AccountKind", "Promoter available balance")
    PROMOTER_FROZEN = "promoter_frozen", pgettext_lazy("AccountKind", "Promoter frozen balance")
    PROMOTER_WITHDRAWN = "promoter_withdrawn", pgettext_lazy("AccountKind", "Promoter withdrawn total")
    COMMISSION_EXPENSE = "commission_expense", pgettext_lazy("AccountKind", "Platform commission expense")
    MERCHANT_PAYABLE = "merchant_payable", pgettext_lazy("AccountKind", "Payable to merchant")
    MERCHANT_PENDING = "merchant_pending", pgettext_lazy("AccountKind", "Payable to merchant, pending settlement")
    MERCHANT_FROZEN = "merchant_frozen", pgettext_lazy("AccountKind", "Payable to merchant, frozen by a withdrawal")
    MERCHANT_WITHDRAWN = "merchant_withdrawn", pgettext_lazy("AccountKind", "Merchant withdrawn total")
    PLATFORM_REVENUE = "platform_revenue", pgettext_lazy("AccountKind", "Platform revenue: fees")
    PAYOUT_CLEARING = "payout_clearing", pgettext_lazy("AccountKind", "Payout clearing")
    GATEWAY_CLEARING = "gateway_clearing", pgettext_lazy("AccountKind", "Payment gateway clearing")
    CUSTOMER_REFUNDS = "customer_refunds", pgettext_lazy("AccountKind", "Customer refunds")
    COMMISSION_MARGIN = "commission_margin", pgettext_lazy("AccountKind", "Platform commission margin: B less payouts")
    MARKETING_EXPENSE = "marketing_expense", pgettext_lazy(
        "AccountKind", "Platform marketing expense: materials rewards")
    MATERIALS_REWARD_POOL = "materials_reward_pool", pgettext_lazy(
        "AccountKind", "Materials reward pool, funded and not yet paid")
    COUPON_RECEIVABLE = "coupon_receivable", pgettext_lazy(
        "AccountKind", "Receivable from coupon platforms: their commissions")
    PAYOUT_RECEIVABLE = "payout_receivable", pgettext_lazy("AccountKind", "Payouts paid twice, owed back by payees")
    PAYOUT_LOSS = "payout_loss", pgettext_lazy("AccountKind", "Payouts paid twice, written off")


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
        COMMISSION_ACCRUED = "commission_accrued", pgettext_lazy("JournalEntry.Kind", "Commission accrued, pending")
        COMMISSION_SETTLED = "commission_settled", pgettext_lazy("JournalEntry.Kind", "Commission settled, available")
        COMMISSION_CANCELLED = "commission_cancelled", pgettext_lazy(
            "JournalEntry.Kind", "Commission cancelled before settlement")
        COMMISSION_CLAWBACK = "commission_clawback", pgettext_lazy(
            "JournalEntry.Kind", "Commission clawed back after settlement")
        WITHDRAWAL_REQUESTED = "withdrawal_requested", pgettext_lazy(
            "JournalEntry.Kind", "Withdrawal requested, frozen")
        WITHDRAWAL_REJECTED = "withdrawal_rejected", pgettext_lazy("JournalEntry.Kind", "Withdrawal rejected, released")
        WITHDRAWAL_PAID = "withdrawal_paid", pgettext_lazy("JournalEntry.Kind", "Withdrawal paid out")
        WITHDRAWAL_FAILED = "withdrawal_failed", pgettext_lazy("JournalEntry.Kind", "Withdrawal payout failed")
        ORDER_PAID = "order_paid", pgettext_lazy("JournalEntry.Kind", "Order paid")
        ORDER_REFUNDED = "order_refunded", pgettext_lazy("JournalEntry.Kind", "Order refunded")
        MERCHANT_SETTLED = "merchant_settled", pgettext_lazy("JournalEntry.Kind", "Merchant settled")
        PERIOD_COMMISSION = "period_commission", pgettext_lazy(
            "JournalEntry.Kind", "Period commission: team volume, pools")
        ADJUSTMENT = "adjustment", pgettext_lazy("JournalEntry.Kind", "Operator adjustment")
        REVERSAL = "reversal", pgettext_lazy("JournalEntry.Kind", "Reversal")
        INSPECTION_REWARD = "inspection_reward", pgettext_lazy("JournalEntry.Kind", "Inspection report reward")
        MATERIALS_REWARD_POOL = "materials_reward_pool", pgettext_lazy(
            "JournalEntry.Kind", "Materials reward pool funded or returned")
        MATERIALS_REWARD = "materials_reward", pgettext_lazy("JournalEntry.Kind", "Materials reward paid to an author")
        WITHDRAWAL_PAID_AFTER_FAILED = "withdrawal_paid_after_failed", pgettext_lazy(
            "JournalEntry.Kind", "Payout paid after it failed")
        WITHDRAWAL_PAYOUT_REVERSED = "withdrawal_payout_reversed", pgettext_lazy(
            "JournalEntry.Kind", "Payout failed after paid")
        PAYOUT_DEBT_RECOVERED = "payout_debt_recovered", pgettext_lazy(
            "JournalEntry.Kind", "Payout paid twice, recovered from the balance")
        PAYOUT_DEBT_WRITTEN_OFF = "payout_debt_written_off", pgettext_lazy(
            "JournalEntry.Kind", "Payout paid twice, written off")
        RISK_CANCELLED = "risk_cancelled", pgettext_lazy(
            "JournalEntry.Kind", "Commission cancelled by a risk rejection before settlement")
        RISK_CLAWBACK = "risk_clawback", pgettext_lazy(
            "JournalEntry.Kind", "Commission clawed back by a risk rejection after settlement")

    # Entries that move commission must say on every promoter line what the commission was computed from.
    COMMISSION_KINDS = frozenset({Kind.COMMISSION_ACCRUED, Kind.COMMISSION_CANCELLED, Kind.COMMISSION_CLAWBACK,
                                  Kind.PERIOD_COMMISSION, Kind.RISK_CANCELLED, Kind.RISK_CLAWBACK})

    # Every index here is written once per entry, and settlement writes an entry per commission: only the key (the
    # idempotency the ledger promises), the creation time and the reversal link, and the actor and the reversal
    # only when set (partial indexes). Kind and key prefixes are read by reconcile and the admin over whole
    # ranges of entries, where an index does not help (docs/deployment.md "Settlement and the sponsor tree").
    kind = models.CharField(verbose_name=_("kind"), max_length=32, choices=Kind.choices)
    key = models.CharField(verbose_name=_("key"),
                           max_length=200, help_text="Idempotency key: one entry per key, ever.")
    memo = models.TextField(verbose_name=_("memo"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"),
                              null=True, blank=True, on_delete=models.PROTECT, db_index=False,
                              related_name="+", help_text="Empty when the system posted it by itself.")
    reverses = models.ForeignKey("self", verbose_name=_("reverses"), null=True, blank=True, on_delete=models.PROTECT,
                                 db_index=False, related_name="reversals", help_text="The entry this one cancels.")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("journal entry")
        ordering = ["-id"]
        verbose_name_plural = _("journal entries")
        constraints = [
            models.UniqueConstraint(fields=["key"], name="ledger_entry_key_once"),
            # An entry is reversed at most once (a OneToOne before; partial, so unreversing entries add no index row).
            models.UniqueConstraint(fields=["reverses"], condition=Q(reverses__isnull=False),
                                    name="ledger_entry_reversed_once"),
        ]
        indexes = [models.Index(fields=["actor"], condition=Q(actor__isnull=False), name="ledger_entry_actor_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.key}"


class JournalLine(AppendOnlyModel):
    """One line of an entry: ``amount`` on ``account``, debit positive and credit negative.

    Commission lines carry a snapshot (order, order line, plan id and version, rule, rate, base); the
    snapshot columns are either all empty or all filled, except the order line, which is empty for a
    commission computed on the whole order (every per-order rule rounds once per order) or on a period.
    """

    # Both references are checked by the database, but not by per-row foreign-key triggers (db_constraint=False):
    # on PostgreSQL one statement-level trigger per INSERT checks every new line's entry and account at once
    # (migration 0010), on SQLite a row trigger checks each; entries and accounts are never deleted (0002).
    # A set-based posting of 10,000 entries spent more at COMMIT on row-by-row foreign-key checks than on the
    # inserts themselves (docs/deployment.md "The ledger's references").
    entry = models.ForeignKey(JournalEntry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="lines",
                              db_constraint=False)
    # Looked up by account through (account, id) below, which covers the reference.
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="lines",
                                db_index=False, db_constraint=False)
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
            # On PostgreSQL it also carries the amount (INCLUDE, migration 0012): the reports' sums per order
            # read it index-only.
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
