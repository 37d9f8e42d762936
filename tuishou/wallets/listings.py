"""Desk lists of withdrawals (``tuishou.core.listing``): a merchant's own (提现记录) and finance's review queue of
promoters' and merchants' withdrawals (提现审核)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuishou.core.listing import Column, Filter, Listing
from tuishou.network.selectors import public_name
from tuishou.wallets import merchant_selectors, selectors
from tuishou.wallets.models import Withdrawal

STATUS_LABELS = {"requested": _("Under review"), "approved": _("Approved"), "paying": _("Paying"),
                 "paid": _("Paid out"), "rejected": _("Refused"), "failed": _("Payout failed")}
STATUS_CHOICES = tuple(STATUS_LABELS.items())
PAYEE_CHOICES = (("promoter", _("Promoters")), ("merchant", _("Merchants")))
SORTS = {"old": (_("Oldest first"), ("requested_at", "id")), "new": (_("Newest first"), ("-requested_at", "-id")),
         "big": (_("Largest amount"), ("-amount", "id")), "small": (_("Smallest amount"), ("amount", "id"))}


def status_label(withdrawal: Withdrawal) -> str:
    return str(STATUS_LABELS.get(withdrawal.status, withdrawal.status))


def payee_label(withdrawal: Withdrawal) -> str:
    """Whose withdrawal: the merchant's name, or the promoter's public name."""
    if withdrawal.merchant_id:
        return withdrawal.merchant.name
    user = withdrawal.promoter.user
    return public_name(user.display_name, user.phone)


class MerchantWithdrawalListing(Listing):
    """A merchant's withdrawals, newest first (scope: ``merchant_id``)."""

    name = "wallets.merchant_withdrawals"
    columns = (Column("pk", _("No."), num=True),
               Column("requested_at", _("Requested"), sort="new"),
               Column("amount", _("Amount"), num=True, money=True, sort="big"),
               Column("payee_display", _("Paid to")),
               Column("status", _("Status"), value=status_label, short=True),
               Column("reason", pgettext_lazy("withdrawal", "Reason")),
               Column("completed_at", _("Completed")))
    search = ()
    filters = (Filter("status", _("Status"), choices=STATUS_CHOICES),)
    sorts = {"new": SORTS["new"], "old": SORTS["old"], "big": SORTS["big"]}
    default_sort = "new"

    def rows(self) -> QuerySet[Withdrawal]:
        return merchant_selectors.merchant_withdrawals_query(actor=self.user, merchant_id=self.scope["merchant_id"])


def _review(withdrawal: Withdrawal) -> str:
    return reverse("ops-withdrawals:review", args=[withdrawal.pk])


class FinanceWithdrawalListing(Listing):
    """Finance's queue: every withdrawal, promoters' and merchants', under review by default."""

    name = "wallets.finance_withdrawals"
    columns = (Column("pk", _("No."), num=True, link=_review),
               Column("requested_at", _("Requested"), sort="old"),
               Column("payee_kind", _("Payee type"), value=lambda w: str(
                   pgettext_lazy("payee", "Merchant") if w.merchant_id else pgettext_lazy("payee", "Promoter"))),
               Column("payee", _("Payee"), value=payee_label, link=_review),
               Column("amount", _("Amount"), num=True, money=True, sort="big"),
               Column("fee", _("Fee"), num=True, money=True),
               Column("net", _("Net"), num=True, money=True),
               Column("payee_display", _("Paid to")),
               Column("status", _("Status"), value=status_label, short=True),
               Column("reason", pgettext_lazy("withdrawal", "Reason")))
    search_label = _("Phone, invite code, merchant or No.")
    filters = (Filter("status", _("Status"), choices=STATUS_CHOICES, all_label=_("Any status")),
               Filter("payee", _("Payee type"), choices=PAYEE_CHOICES,
                      apply=lambda rows, value: rows.filter(**{f"{value}__isnull": False})))
    sorts = SORTS
    default_sort = "old"

    def __init__(self, request=None, **kwargs) -> None:
        super().__init__(request, **kwargs)
        # The queue opens on what waits for review; "status=" in the URL (any status) is a choice too.
        if "status" not in self.params:
            self.active["status"] = "requested"

    search = ("payee_name",)  # shows the search box; what it matches is the selector's (search_rows)

    def search_rows(self, rows: QuerySet, term: str) -> QuerySet:
        return selectors.withdrawals_matching(rows, term)

    def rows(self) -> QuerySet[Withdrawal]:
        return selectors.withdrawal_review_query(actor=self.user)
