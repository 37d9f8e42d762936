"""The merchant desk's payouts (商家提现): balances from the ledger, the payout bank account (set by the owner),
the withdrawal request with errors beside the field, and the withdrawals with their status (a desk list, CSV)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tuishou.core.errors import DomainError
from tuishou.core.pages import error_message
from tuishou.merchants.models import MerchantStaff
from tuishou.merchants.portal import merchant_page
from tuishou.wallets import merchant_payouts, merchant_selectors
from tuishou.wallets.listings import MerchantWithdrawalListing

# Service errors about the amount carry no field name: they belong beside the amount.
AMOUNT_ERRORS = ("wallets.amount_below_min", "wallets.amount_above_max", "wallets.insufficient_funds",
                 "wallets.balance_negative", "wallets.daily_limit")
ACCOUNT_FIELDS = {"payee.name": "account_name", "payee.account": "account_number", "payee.bank": "bank"}


class MerchantWithdrawalForm(forms.Form):
    amount = forms.DecimalField(label=gettext_lazy("Amount (¥)"), min_value=Decimal("0.01"), decimal_places=2,
                                max_digits=12, widget=forms.NumberInput(attrs={"inputmode": "decimal",
                                                                               "step": "0.01"}))
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)


class PayoutAccountForm(forms.Form):
    account_name = forms.CharField(label=gettext_lazy("Account holder"), max_length=50)
    account_number = forms.CharField(label=gettext_lazy("Bank account number"), max_length=40)
    bank = forms.CharField(label=gettext_lazy("Bank"), max_length=50)


def _error_beside(form: forms.Form, exc: DomainError) -> None:
    field = exc.details.get("field", "") if isinstance(exc.details, dict) else ""
    if exc.code in AMOUNT_ERRORS or exc.code.startswith("money."):
        field = "amount"
    field = ACCOUNT_FIELDS.get(field, field)
    form.add_error(field if field in form.fields else None, error_message(exc))


@require_http_methods(["GET", "POST"])
@merchant_page
def payouts(request: HttpRequest, membership: MerchantStaff) -> HttpResponse:
    """Balances, the withdrawal form (POST here), the payout account and the withdrawals list."""
    merchant_id = membership.merchant_id
    form = MerchantWithdrawalForm(request.POST or None, initial={"key": uuid.uuid4().hex})
    if request.method == "POST" and form.is_valid():
        try:
            merchant_payouts.merchant_withdrawal_request(actor=request.user, merchant_id=merchant_id,
                                                        amount=form.cleaned_data["amount"],
                                                        idempotency_key=form.cleaned_data["key"])
        except DomainError as exc:
            _error_beside(form, exc)
        else:
            messages.success(request, _("Withdrawal requested: the amount is frozen until finance reviews it."))
            return redirect("merchant-payouts:payouts")
    listing = MerchantWithdrawalListing(request, merchant_id=merchant_id)
    if listing.export_requested:
        return listing.export_response()
    return _render(request, membership, form=form, listing=listing)


def _render(request: HttpRequest, membership: MerchantStaff, *, form=None, account_form=None,
            listing=None) -> HttpResponse:
    summary = merchant_selectors.merchant_payouts_get(actor=request.user, merchant_id=membership.merchant_id)
    account = summary.account
    return render(request, "wallets/merchant/payouts.html", {
        "merchant": membership.merchant, "summary": summary,
        "form": form or MerchantWithdrawalForm(initial={"key": uuid.uuid4().hex}),
        "account_form": account_form or PayoutAccountForm(initial={
            "account_name": account.account_name, "bank": account.bank} if account else None),
        "listing": listing or MerchantWithdrawalListing(request, merchant_id=membership.merchant_id)})


@require_POST
@merchant_page
def payout_account(request: HttpRequest, membership: MerchantStaff) -> HttpResponse:
    """The owner sets the payout bank account; errors beside the field, what was typed kept."""
    form = PayoutAccountForm(request.POST)
    if form.is_valid():
        try:
            merchant_payouts.merchant_payout_account_set(actor=request.user, merchant_id=membership.merchant_id,
                                                         **form.cleaned_data)
        except DomainError as exc:
            _error_beside(form, exc)
        else:
            messages.success(request, _("Payout account saved."))
            return redirect("merchant-payouts:payouts")
    return _render(request, membership, account_form=form)
