"""Desk lists of settlement (``tuishou.core.listing``): the movements of a merchant's balance in a period."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuishou.core.listing import Column, Filter, Listing
from tuishou.ledger.models import Account, JournalEntry, JournalLine
from tuishou.settlement import statements

K = Account.Kind
E = JournalEntry.Kind
ACCOUNT_LABELS = {K.MERCHANT_PENDING: pgettext_lazy("balance", "Pending"),
                  K.MERCHANT_PAYABLE: pgettext_lazy("balance", "Available"),
                  K.MERCHANT_FROZEN: _("In withdrawal")}
ENTRY_LABELS = {E.ORDER_PAID: _("Order paid"), E.COMMISSION_ACCRUED: _("Order paid"),
                E.MERCHANT_SETTLED: _("Settled: now available"), E.ORDER_REFUNDED: _("Refund"),
                E.COMMISSION_CANCELLED: _("Refund"), E.COMMISSION_CLAWBACK: _("Refund after settlement"),
                E.WITHDRAWAL_REQUESTED: _("Withdrawal requested"), E.WITHDRAWAL_REJECTED: _("Withdrawal refused"),
                E.WITHDRAWAL_PAID: _("Withdrawal paid out"), E.WITHDRAWAL_FAILED: _("Payout failed"),
                E.ADJUSTMENT: _("Adjustment"), E.REVERSAL: _("Reversal")}
KIND_CHOICES = ((K.MERCHANT_PENDING, pgettext_lazy("balance", "Pending")),
                (K.MERCHANT_PAYABLE, pgettext_lazy("balance", "Available")),
                (K.MERCHANT_FROZEN, _("In withdrawal")))


def _what(line: JournalLine) -> str:
    return str(ENTRY_LABELS.get(line.entry.kind, line.entry.kind))


class StatementLinesListing(Listing):
    """Every line on the merchant's balance accounts in [start, end) (scope: ``merchant_id``, ``start``, ``end``
    as ISO strings, so an export job rebuilds it as is)."""

    name = "settlement.merchant_statement_lines"
    columns = (Column("created_at", _("Time"), value=lambda line: line.entry.created_at, sort="time"),
               Column("what", _("Movement"), value=_what),
               Column("account", _("Balance"), value=lambda line: str(ACCOUNT_LABELS.get(line.account.kind, ""))),
               Column("order_ref", _("Order"), value=lambda line: line.order_ref or _order_of(line.entry.memo)),
               Column("amount", _("Amount"), num=True, money=True, value=lambda line: -line.amount, sort="amount"),
               Column("memo", _("Memo"), value=lambda line: line.entry.memo, show=False))
    search = ("entry__memo",)
    filters = (Filter("account", _("Balance"), choices=KIND_CHOICES, lookup="account__kind"),)
    sorts = {"time": (_("Oldest first"), ("entry__created_at", "id")),
             "latest": (_("Newest first"), ("-entry__created_at", "-id")),
             "amount": (_("Largest in"), ("amount", "id"))}
    default_sort = "time"

    def rows(self) -> QuerySet[JournalLine]:
        return statements.merchant_statement_lines(
            actor=self.user, merchant_id=self.scope["merchant_id"], start=datetime.fromisoformat(self.scope["start"]),
            end=datetime.fromisoformat(self.scope["end"]))


def _order_of(memo: str) -> str:
    """The order number in an entry's memo ("订单 <number> …"), for entries whose lines carry none."""
    parts = memo.split()
    if "订单" not in parts[:-1]:
        return ""
    number = parts[parts.index("订单") + 1]
    return "" if number.startswith("#") else number  # "#12" is the order's row id, not its number
