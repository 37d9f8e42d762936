"""Withdrawals (提现) and payout callbacks: the state beside the ledger.

A promoter's wallet itself is no table: its balances are the promoter's ledger accounts (pending, available,
frozen, withdrawn). A merchant withdraws the same way from its settled payable (应付商家 → 商家提现冻结 → 商家已提现):
a ``Withdrawal`` belongs to exactly one payee, a promoter or a merchant, and the merchant's bank account is its
``MerchantPayoutAccount``. What changes state lives here — a ``Withdrawal`` moving requested → approved → paying →
paid / rejected / failed (only through ``tuishou.wallets.transitions``, each move a ``WithdrawalStatusChange``
row), and every payout callback as received (``PayoutEvent``). The payout sandbox's own books are in
``sandbox_models`` (imported below so Django finds them).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuishou.core.callback_log import ReceivedCallback
from tuishou.core.fields import MoneyField
from tuishou.core.money import CURRENCY
from tuishou.core.transitions import StatusChange
from tuishou.wallets.rules import PAYEE_METHODS, Payee, account_mask, name_mask


class Withdrawal(models.Model):
    """A promoter's (or a merchant's) request to take ``amount`` out of the available balance (提现申请).

    ``amount`` is frozen when requested; on payout the promoter receives ``net`` and ``fee`` is platform
    revenue (amount = fee + net). The payee's account number is kept whole (the provider needs it) and shown
    masked (``payee``).
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("Withdrawal.Status", "Requested, under review")
        APPROVED = "approved", pgettext_lazy("Withdrawal.Status", "Approved, payout starting")
        PAYING = "paying", pgettext_lazy("Withdrawal.Status", "Payout in progress")
        PAID = "paid", pgettext_lazy("Withdrawal.Status", "Paid out")
        REJECTED = "rejected", pgettext_lazy("Withdrawal.Status", "Rejected")
        FAILED = "failed", pgettext_lazy("Withdrawal.Status", "Payout failed")

    class PayeeMethod(models.TextChoices):
        ALIPAY = PAYEE_METHODS[0], pgettext_lazy("Withdrawal.PayeeMethod", "Alipay")
        BANK_CARD = PAYEE_METHODS[1], pgettext_lazy("Withdrawal.PayeeMethod", "Bank card")

    # Statuses that hold the amount in the promoter's frozen account.
    FROZEN_STATUSES = (Status.REQUESTED, Status.APPROVED, Status.PAYING)

    promoter = models.ForeignKey("network.Promoter", verbose_name=_("promoter"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="withdrawals")
    merchant = models.ForeignKey("merchants.Merchant", verbose_name=_("merchant"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="withdrawals",
                                 help_text="Set instead of the promoter: a merchant's payout.")
    amount = MoneyField(verbose_name=_("amount"), help_text="What leaves the available balance (元).")
    fee = MoneyField(verbose_name=_("fee"), help_text="Withdrawal fee, platform revenue (手续费).")
    net = MoneyField(verbose_name=_("net"), help_text="What the payee receives: amount − fee (到账金额).")
    currency = models.CharField(verbose_name=_("currency"), max_length=3, default=CURRENCY)
    payee_method = models.CharField(verbose_name=_("payee method"), max_length=16, choices=PayeeMethod.choices)
    payee_account = models.CharField(verbose_name=_("payee account"), max_length=100)
    payee_name = models.CharField(verbose_name=_("payee name"), max_length=50)
    payee_bank = models.CharField(verbose_name=_("payee bank"), max_length=50, blank=True)
    status = models.CharField(verbose_name=_("status"),
                              max_length=16, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    reason = models.CharField(verbose_name=_("reason"),
                              max_length=200, blank=True, help_text="Why it was rejected or why the payout failed.")
    idempotency_key = models.CharField(verbose_name=_("idempotency key"), max_length=100)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewer"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    payout_provider = models.CharField(verbose_name=_("payout provider"), max_length=32, blank=True)
    payout_id = models.CharField(verbose_name=_("payout id"),
                                 max_length=64, null=True, blank=True, help_text="The provider's transfer id.")
    requested_at = models.DateTimeField(verbose_name=_("requested at"), db_index=True)
    reviewed_at = models.DateTimeField(verbose_name=_("reviewed at"), null=True, blank=True)
    submitted_at = models.DateTimeField(verbose_name=_("submitted at"), null=True, blank=True)
    completed_at = models.DateTimeField(verbose_name=_("completed at"),
                                        null=True, blank=True, help_text="When it was paid, rejected or failed.")
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")
        ordering = ["-id"]
        indexes = [models.Index(fields=["promoter", "requested_at"], name="withdrawal_promoter_day_idx"),
                   models.Index(fields=["merchant", "requested_at"], name="withdrawal_merchant_day_idx"),
                   models.Index(fields=["status", "requested_at"], name="withdrawal_status_idx")]
        constraints = [
            models.UniqueConstraint(fields=["promoter", "idempotency_key"], name="withdrawal_idempotency_key"),
            models.UniqueConstraint(fields=["merchant", "idempotency_key"], name="withdrawal_merchant_idempotency_key"),
            models.CheckConstraint(condition=Q(promoter__isnull=False, merchant__isnull=True)
                                   | Q(promoter__isnull=True, merchant__isnull=False), name="withdrawal_one_payee"),
            models.UniqueConstraint(fields=["payout_provider", "payout_id"], name="withdrawal_payout_id_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0, fee__gte=0, net__gt=0, amount=F("fee") + F("net")),
                                   name="withdrawal_amount_is_fee_plus_net"),
        ]

    def __str__(self) -> str:
        return f"Withdrawal #{self.pk} {self.amount} {self.status}"

    @property
    def payee_kind(self) -> str:
        """Who is paid: ``promoter`` or ``merchant``."""
        return "merchant" if self.merchant_id else "promoter"

    @property
    def reference(self) -> str:
        """Our id for this withdrawal at the payout provider (its out_biz_no); stable across retries."""
        return f"withdrawal-{self.pk}"

    @property
    def payee(self) -> Payee:
        return Payee(method=self.payee_method, account=self.payee_account, name=self.payee_name, bank=self.payee_bank)

    @property
    def payee_display(self) -> str:
        """The payee as people see it: masked account and name."""
        bank = f"{self.payee_bank} " if self.payee_bank else ""
        return f"{bank}{account_mask(self.payee_method, self.payee_account)} {name_mask(self.payee_name)}"


class WithdrawalStatusChange(StatusChange):
    """One move of a withdrawal's status: from, to, by which event, who did it and why (the history)."""

    withdrawal = models.ForeignKey(Withdrawal, verbose_name=_("withdrawal"),
                                   on_delete=models.PROTECT, related_name="status_changes")

    class Meta:
        verbose_name = _("withdrawal status change")
        verbose_name_plural = _("withdrawal status changes")

    def __str__(self) -> str:
        return f"#{self.withdrawal_id} {self.from_status or '∅'} → {self.to_status}"


class MerchantPayoutAccount(models.Model):
    """The bank account a merchant's withdrawals are paid to (商家收款账户), set by its owner.

    Kept whole (the provider needs it) and shown masked; each withdrawal copies it, so changing it later never
    rewrites where an earlier withdrawal went.
    """

    merchant = models.OneToOneField("merchants.Merchant", verbose_name=_("merchant"),
                                    on_delete=models.PROTECT, related_name="payout_account")
    account_name = models.CharField(verbose_name=_("account name"),
                                    max_length=50, help_text="The account holder: usually the company's name.")
    account_number = models.CharField(verbose_name=_("account number"), max_length=19)
    bank = models.CharField(verbose_name=_("bank"), max_length=50)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"),
                                   on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("merchant payout account")

    def __str__(self) -> str:
        return f"{self.bank} {account_mask(PAYEE_METHODS[1], self.account_number)}"

    @property
    def payee(self) -> Payee:
        return Payee(method=PAYEE_METHODS[1], account=self.account_number, name=self.account_name, bank=self.bank)


class PayoutEvent(ReceivedCallback):
    """One payout callback as received, whatever became of it (``tuishou.core.callback_log``): about a
    withdrawal's payout. Accepted once per provider and event id."""

    provider = models.CharField(verbose_name=_("provider"), max_length=32)
    payout_id = models.CharField(verbose_name=_("payout id"), max_length=64, blank=True)
    withdrawal = models.ForeignKey(Withdrawal, verbose_name=_("withdrawal"),
                                   null=True, blank=True, on_delete=models.PROTECT, related_name="events")

    class Meta(ReceivedCallback.Meta):
        verbose_name = _("payout event")
        verbose_name_plural = _("payout events")
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], condition=Q(outcome__in=["processed", "ignored"]),
                                    name="payout_event_accepted_once"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id or '(no id)'} {self.type} {self.outcome}"


class PayoutReport(models.Model):
    """One state the payout provider reported for a withdrawal's payout (出款回报), in the order received.

    Every accepted callback adds one, whatever it did to the withdrawal: a success after a failure (or the other
    way round) stays visible here beside the withdrawal's own status, as the history finance checks first.
    """

    class State(models.TextChoices):
        SUCCEEDED = "succeeded", pgettext_lazy("payout report", "Succeeded")
        FAILED = "failed", pgettext_lazy("payout report", "Failed")

    withdrawal = models.ForeignKey(Withdrawal, verbose_name=_("withdrawal"),
                                   on_delete=models.PROTECT, related_name="provider_reports")
    provider = models.CharField(verbose_name=_("provider"), max_length=32)
    payout_id = models.CharField(verbose_name=_("payout id"), max_length=64)
    event_id = models.CharField(verbose_name=_("event id"), max_length=100)
    state = models.CharField(verbose_name=_("state"), max_length=10, choices=State.choices)
    reason = models.CharField(verbose_name=_("reason"), max_length=200, blank=True)
    occurred_at = models.DateTimeField(verbose_name=_("occurred at"), null=True, blank=True,
                                       help_text="When the provider says it happened.")
    effect = models.CharField(verbose_name=_("effect"), max_length=32,
                              help_text="What the report did: paid, failed, contradiction or repeated.")
    received_at = models.DateTimeField(verbose_name=_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payout provider report")
        verbose_name_plural = _("payout provider reports")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="payout_report_event_once")]

    def __str__(self) -> str:
        return f"#{self.withdrawal_id} {self.state} ({self.event_id})"


class PayoutIncident(models.Model):
    """The payout provider contradicted itself about a withdrawal (出款异常): finance must settle it.

    ``paid_after_failed``: the payout was reported failed (its amount went back to the wallet), then paid. The
    payout is booked as made; what the wallet no longer held is ``shortfall``, owed back by the payee (the payout
    receivable), and the payee's wallet is held until finance recovers it or writes it off.
    ``failed_after_paid``: reported paid, then failed. Nothing moves by itself (paying twice is worse than
    paying late); finance confirms the payout with the provider or reverses it.
    """

    class Kind(models.TextChoices):
        PAID_AFTER_FAILED = "paid_after_failed", _("Paid after it was reported failed")
        FAILED_AFTER_PAID = "failed_after_paid", _("Failed after it was reported paid")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("incident", "Open")
        RESOLVED = "resolved", pgettext_lazy("incident", "Resolved")

    class Resolution(models.TextChoices):
        RECOVERED = "recovered", _("Recovered from the payee's balance")
        WRITTEN_OFF = "written_off", _("Written off as a platform loss")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged: the balance covered it")
        CONFIRMED_PAID = "confirmed_paid", _("Confirmed paid with the provider")
        REVERSED = "reversed", _("Reversed: the payout did not happen")

    withdrawal = models.ForeignKey(Withdrawal, verbose_name=_("withdrawal"),
                                   on_delete=models.PROTECT, related_name="payout_incidents")
    promoter = models.ForeignKey("network.Promoter", verbose_name=_("promoter"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    merchant = models.ForeignKey("merchants.Merchant", verbose_name=_("merchant"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(verbose_name=_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(verbose_name=_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN, db_index=True)
    amount = MoneyField(verbose_name=_("amount"), help_text="The withdrawal's amount (元).")
    shortfall = MoneyField(verbose_name=_("shortfall"),
                           help_text="What the wallet no longer held and the payee owes back (元).")
    resolution = models.CharField(verbose_name=_("resolution"), max_length=16, choices=Resolution.choices,
                                  blank=True)
    note = models.CharField(verbose_name=_("note"), max_length=500, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(verbose_name=_("resolved at"), null=True, blank=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("payout incident")
        verbose_name_plural = _("payout incidents")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["withdrawal", "kind"], name="payout_incident_once_per_kind"),
            models.CheckConstraint(condition=Q(shortfall__gte=0, amount__gte=F("shortfall")),
                                   name="payout_incident_shortfall_within_amount"),
        ]

    def __str__(self) -> str:
        return f"Incident #{self.pk} withdrawal #{self.withdrawal_id} {self.kind} {self.status}"

    @property
    def holds_wallet(self) -> bool:
        """True while the payee's wallet is held: withdrawals wait until finance settles the debt."""
        return self.status == self.Status.OPEN and self.shortfall > 0


from tuishou.wallets.sandbox_models import SandboxPayoutCallback, SandboxTransfer  # noqa: E402

__all__ = ["MerchantPayoutAccount", "PayoutEvent", "PayoutIncident", "PayoutReport", "SandboxPayoutCallback",
           "SandboxTransfer", "Withdrawal", "WithdrawalStatusChange"]
