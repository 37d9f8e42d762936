"""The promoter centre's wallet (钱包): balances from the ledger, the withdrawal request (提现) with its fee
shown and errors beside the field, my withdrawals with their status, and every movement with its reason."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tuishou.core.errors import DomainError
from tuishou.core.money import parse_amount
from tuishou.core.pages import PER_PAGE, error_message
from tuishou.network.models import Promoter
from tuishou.network.views_centre import promoter_page
from tuishou.wallets import selectors, services
from tuishou.wallets.models import Withdrawal
from tuishou.wallets.rules import withdrawal_fee

Status = Withdrawal.Status
STATUS_BADGES = {Status.REQUESTED: ("warn", gettext_lazy("Under review")),
                 Status.APPROVED: ("info", gettext_lazy("Approved")), Status.PAYING: ("info", gettext_lazy("Paying")),
                 Status.PAID: ("ok", gettext_lazy("Paid out")), Status.REJECTED: ("danger", gettext_lazy("Refused")),
                 Status.FAILED: ("danger", gettext_lazy("Payout failed"))}
BALANCES = {"pending": pgettext_lazy("balance", "Pending"), "available": pgettext_lazy("balance", "Available"),
            "frozen": pgettext_lazy("balance", "Frozen"), "withdrawn": pgettext_lazy("balance", "Withdrawn")}
# Service errors about the amount carry no field name: they belong beside the amount.
AMOUNT_ERRORS = ("wallets.amount_below_min", "wallets.amount_above_max", "wallets.insufficient_funds",
                 "wallets.balance_negative", "wallets.daily_limit")


class WithdrawalForm(forms.Form):
    amount = forms.DecimalField(label=gettext_lazy("Amount (¥)"), min_value=Decimal("0.01"), decimal_places=2,
                                max_digits=12, widget=forms.NumberInput(attrs={
                                    "inputmode": "decimal", "step": "0.01", "hx-get": "/centre/wallet/fee/",
                                    "hx-trigger": "input changed delay:300ms", "hx-target": "#fee",
                                    "hx-swap": "outerHTML"}))
    method = forms.ChoiceField(label=gettext_lazy("Receive to"), choices=[
        ("alipay", gettext_lazy("Alipay")), ("bank_card", gettext_lazy("Bank card"))])
    account = forms.CharField(label=gettext_lazy("Account (Alipay phone or e-mail, or card number)"), max_length=100)
    name = forms.CharField(label=gettext_lazy("Account holder's name"), max_length=50)
    bank = forms.CharField(label=gettext_lazy("Bank (for a bank card)"), max_length=50, required=False)
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)


def _add_service_error(form: WithdrawalForm, exc: DomainError) -> None:
    field = exc.details.get("field", "") if isinstance(exc.details, dict) else ""
    field = field.removeprefix("payee.")
    if exc.code in AMOUNT_ERRORS or exc.code.startswith("money."):
        field = "amount"
    form.add_error(field if field in form.fields else None, error_message(exc))


class _Lazy:
    """A list of ``total`` rows read one page at a time by ``fetch(limit, offset)``, for Django's Paginator."""

    def __init__(self, fetch) -> None:
        self.fetch, self.total = fetch, None

    def count(self) -> int:
        if self.total is None:
            self.total = self.fetch(1, 0)[0]
        return self.total

    def __getitem__(self, window: slice):
        total, rows = self.fetch(window.stop - window.start, window.start)
        self.total = total
        return rows


@require_http_methods(["GET", "POST"])
@promoter_page
def wallet(request: HttpRequest, promoter: Promoter) -> HttpResponse:
    """Balances, the withdrawal form, and one of two lists (``?tab=withdrawals`` or ``history``), paginated."""
    form = WithdrawalForm(request.POST or None, initial={"key": uuid.uuid4().hex, "method": "alipay"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.withdrawal_request(promoter=promoter, amount=data["amount"], idempotency_key=data["key"],
                                        payee={"method": data["method"], "account": data["account"],
                                               "name": data["name"], "bank": data["bank"]})
        except DomainError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("Withdrawal requested: the amount is frozen until it is reviewed."))
            return redirect(reverse("wallet:wallet"))
    tab = "history" if request.GET.get("tab") == "history" else "withdrawals"
    wallet_now = selectors.wallet_get(promoter)
    return render(request, "wallets/centre/wallet.html", {
        "wallet": wallet_now, "form": form, "tab": tab, "fee": _fee_for(form),
        "fee_percent": fee_percent(wallet_now.rules),
        **_list(request, promoter, tab)})


def _list(request: HttpRequest, promoter: Promoter, tab: str) -> dict:
    if tab == "history":
        fetch = lambda limit, offset: selectors.wallet_history(promoter, limit=limit, offset=offset)  # noqa: E731
    else:
        fetch = lambda limit, offset: selectors.withdrawals_of(promoter, limit=limit, offset=offset)  # noqa: E731
    page = Paginator(_Lazy(fetch), PER_PAGE).get_page(request.GET.get("page"))
    english = (get_language() or "").startswith("en")
    if tab == "history":
        rows = [{"m": m, "reason": m.reason.en if english else m.reason.zh, "balance": BALANCES.get(m.balance)}
                for m in page]
    else:
        rows = [{"w": w, "badge": STATUS_BADGES.get(w.status, ("off", w.status))} for w in page]
    return {"page": page, "rows": rows}


def _fee_for(form: WithdrawalForm) -> dict | None:
    """The fee and what arrives for the amount typed, when it is an amount."""
    raw = form.data.get("amount") if form.is_bound else None
    try:
        amount = parse_amount(raw) if raw else None
    except DomainError:
        return None
    if amount is None or amount <= 0:
        return None
    fee = withdrawal_fee(amount, selectors.withdrawal_rules())
    return {"amount": amount, "fee": fee, "net": max(amount - fee, Decimal("0.00"))}


def fee_percent(rules) -> str:
    """``Decimal("0.006")`` → ``"0.6%"``."""
    return f"{(rules.fee_rate * 100).normalize():f}%"


@require_GET
@promoter_page
def fee(request: HttpRequest, promoter: Promoter) -> HttpResponse:
    """The fee fragment for an amount being typed (htmx, as the person types)."""
    form = WithdrawalForm(request.GET)
    rules = selectors.withdrawal_rules()
    return render(request, "wallets/centre/wallet.html#fee", {"fee": _fee_for(form), "fee_percent": fee_percent(rules),
                                                              "wallet": {"rules": rules}})
