"""Paid orders whose commissions are not booked yet (待记账): the outbox of the batched accrual.

With ``TUISHOU["ACCRUAL_BATCHED"]`` on, the payment callback marks the order paid and appends one row here in
its own transaction (the ``order.paid`` event, as data); the booking worker (``settlement.accrual_batch``)
delivers the events of many such orders at once — their commissions, volume, counts, rollups and tasks — and
deletes their rows in the same transaction, so each order's ``order.paid`` takes effect exactly once. Off (the
default, and the embedded mode), ``order.paid`` is delivered inline and this table stays empty.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccrualPending(models.Model):
    """One paid order waiting for its accrual entry; gone once booked."""

    order = models.OneToOneField("orders.Order", verbose_name=_("order"), primary_key=True,
                                 on_delete=models.PROTECT, related_name="+")
    event = models.JSONField(verbose_name=_("event"), help_text="The order.paid event (orders.events.paid_to_json).")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("paid order pending booking")
        verbose_name_plural = _("paid orders pending booking")

    def __str__(self) -> str:
        return f"order #{self.order_id} pending booking"
