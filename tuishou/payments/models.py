"""Payments (支付): what we asked a gateway to collect, every callback it sent us, and every refund (退款).

A ``Payment`` collects money for a *payable* — something another app owns (an order, later perhaps a deposit),
named by ``payable_type`` and ``payable_ref`` so that payments imports no other domain. Status moves only through
``tuishou.payments.transitions``. The sandbox gateway's own books live in ``sandbox_models`` (imported below so
Django finds them).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuishou.core.callback_log import ReceivedCallback
from tuishou.core.fields import MoneyField
from tuishou.core.money import CURRENCY
from tuishou.core.transitions import StatusChange


class Payment(models.Model):
    """One attempt to collect ``amount`` for a payable through a gateway.

    created → pending (the gateway issued a pay URL) → succeeded | failed; a success the payable no longer
    accepts (an expired order, a payable already paid) ends as expired_refunded with an automatic full refund.
    """

    class Status(models.TextChoices):
        CREATED = "created", pgettext_lazy("Payment.Status", "Created")
        PENDING = "pending", pgettext_lazy("Payment.Status", "Pending (waiting for the payer)")
        SUCCEEDED = "succeeded", pgettext_lazy("Payment.Status", "Succeeded")
        FAILED = "failed", pgettext_lazy("Payment.Status", "Failed")
        EXPIRED_REFUNDED = "expired_refunded", pgettext_lazy("Payment.Status", "Refused by the payable, refunded")

    OPEN_STATUSES = (Status.CREATED, Status.PENDING)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             null=True, blank=True, on_delete=models.PROTECT,
                             related_name="payments", help_text="The payer; only they (and operators) see it.")
    payable_type = models.CharField(verbose_name=_("payable type"),
                                    max_length=32, help_text='What is paid for, e.g. "order".')
    payable_ref = models.CharField(verbose_name=_("payable ref"),
                                   max_length=64, help_text="The payable's id in its own app.")
    amount = MoneyField(verbose_name=_("amount"))
    currency = models.CharField(verbose_name=_("currency"), max_length=3, default=CURRENCY)
    status = models.CharField(verbose_name=_("status"),
                              max_length=20, choices=Status.choices, default=Status.CREATED, db_index=True)
    status_reason = models.CharField(verbose_name=_("status reason"), max_length=200, blank=True)
    gateway = models.CharField(verbose_name=_("gateway"), max_length=32)
    gateway_txn_id = models.CharField(verbose_name=_("gateway txn id"), max_length=64, null=True, blank=True)
    pay_url = models.CharField(verbose_name=_("pay url"), max_length=500, blank=True)
    return_url = models.CharField(verbose_name=_("return url"), max_length=500, blank=True)
    idempotency_key = models.CharField(verbose_name=_("idempotency key"), max_length=100, unique=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)
    paid_at = models.DateTimeField(verbose_name=_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-id"]
        indexes = [models.Index(fields=["payable_type", "payable_ref"], name="payment_payable_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(fields=["gateway", "gateway_txn_id"], name="payment_gateway_txn_unique"),
            # One open payment per payable: starting again hands back the open one.
            models.UniqueConstraint(fields=["payable_type", "payable_ref"], condition=Q(status__in=["created",
                                    "pending"]), name="payment_one_open_per_payable"),
            # And never two successes: a second success is refunded (expired_refunded), not booked.
            models.UniqueConstraint(fields=["payable_type", "payable_ref"], condition=Q(status="succeeded"),
                                    name="payment_one_success_per_payable"),
        ]

    def __str__(self) -> str:
        return f"Payment #{self.pk} {self.payable_type}:{self.payable_ref} {self.amount} {self.status}"


class Refund(models.Model):
    """Money going back to the payer through the gateway.

    requested (our row) → pending (the gateway took the request) → succeeded | failed. The sum of a payment's
    refunds that are not failed never exceeds what was paid (checked under a row lock on the payment).
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("Refund.Status", "Requested")
        PENDING = "pending", pgettext_lazy("Refund.Status", "Pending at the gateway")
        SUCCEEDED = "succeeded", pgettext_lazy("Refund.Status", "Succeeded")
        FAILED = "failed", pgettext_lazy("Refund.Status", "Failed")

    payment = models.ForeignKey(Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refunds")
    amount = MoneyField(verbose_name=_("amount"))
    reason = models.CharField(verbose_name=_("reason"), max_length=200)
    status = models.CharField(verbose_name=_("status"),
                              max_length=16, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    status_reason = models.CharField(verbose_name=_("status reason"), max_length=200, blank=True)
    idempotency_key = models.CharField(verbose_name=_("idempotency key"), max_length=100, unique=True)
    gateway_refund_id = models.CharField(verbose_name=_("gateway refund id"),
                                         max_length=64, null=True, blank=True, unique=True)
    automatic = models.BooleanField(verbose_name=_("automatic"),
                                    default=False, help_text="Refund of a success its payable refused.")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)
    succeeded_at = models.DateTimeField(verbose_name=_("succeeded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self) -> str:
        return f"Refund #{self.pk} of payment #{self.payment_id}: {self.amount} {self.status}"

    @property
    def reference(self) -> str:
        """Our id for this refund as the gateway knows it (its out_refund_no); stable across retries."""
        return f"refund-{self.pk}"


class PaymentStatusChange(StatusChange):
    """One move of a payment's status (history, append-only)."""

    payment = models.ForeignKey(Payment, verbose_name=_("payment"),
                                on_delete=models.PROTECT, related_name="status_changes")

    class Meta(StatusChange.Meta):
        verbose_name = _("payment status change")
        verbose_name_plural = _("payment status changes")
        ordering = ["payment_id", "id"]


class RefundStatusChange(StatusChange):
    """One move of a refund's status (history, append-only)."""

    refund = models.ForeignKey(Refund, verbose_name=_("refund"),
                               on_delete=models.PROTECT, related_name="status_changes")

    class Meta(StatusChange.Meta):
        verbose_name = _("refund status change")
        verbose_name_plural = _("refund status changes")
        ordering = ["refund_id", "id"]


class PaymentEvent(ReceivedCallback):
    """One gateway callback as received, whatever became of it (``tuishou.core.callback_log``): about a payment
    and, for a refund's outcome, one of its refunds. Accepted once per gateway and event id."""

    class Type(models.TextChoices):
        PAYMENT_SUCCEEDED = "payment.succeeded", pgettext_lazy("PaymentEvent.Type", "Payment succeeded")
        PAYMENT_FAILED = "payment.failed", pgettext_lazy("PaymentEvent.Type", "Payment failed")
        REFUND_SUCCEEDED = "refund.succeeded", pgettext_lazy("PaymentEvent.Type", "Refund succeeded")
        REFUND_FAILED = "refund.failed", pgettext_lazy("PaymentEvent.Type", "Refund failed")

    gateway = models.CharField(verbose_name=_("gateway"), max_length=32)
    txn_id = models.CharField(verbose_name=_("txn id"), max_length=64, blank=True)
    payment = models.ForeignKey(Payment, verbose_name=_("payment"),
                                null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    refund = models.ForeignKey(Refund, verbose_name=_("refund"),
                               null=True, blank=True, on_delete=models.PROTECT, related_name="events")

    class Meta(ReceivedCallback.Meta):
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")
        indexes = [models.Index(fields=["txn_id"], name="payment_event_txn_idx")]
        constraints = [
            models.UniqueConstraint(fields=["gateway", "event_id"], condition=Q(outcome__in=["processed", "ignored"]),
                                    name="payment_event_accepted_once"),
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.event_id or '(no id)'} {self.type} {self.outcome}"


from tuishou.payments.sandbox_models import SandboxCallback, SandboxCharge, SandboxRefund  # noqa: E402

__all__ = ["Payment", "PaymentEvent", "PaymentStatusChange", "Refund", "RefundStatusChange", "SandboxCallback",
           "SandboxCharge", "SandboxRefund"]
