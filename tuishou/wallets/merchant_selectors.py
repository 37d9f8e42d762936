"""Reads for merchants' payouts (商家提现): the balances a merchant withdraws from, its withdrawals, its account.

Every figure comes from the merchant's ledger accounts: pending (待结算货款, orders still inside the after-sales
window), available (应付商家: settled, withdrawable), frozen (商家提现冻结: held by withdrawals under review or in
payment) and withdrawn (商家已提现, to date). Open to the merchant's staff; a merchant one does not work for is
``merchants.merchant_unknown`` (404) like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet

from tuishou.core.money import CURRENCY
from tuishou.ledger.models import Account
from tuishou.ledger.selectors import owner_balances
from tuishou.merchants.models import Merchant
from tuishou.wallets.merchant_payouts import (
    PAYOUT_ROLES,
    merchant_membership,
    merchant_role,
    merchant_withdrawal_rules,
)
from tuishou.wallets.models import MerchantPayoutAccount, Withdrawal
from tuishou.wallets.rules import WithdrawalRules
from tuishou.wallets.selectors import withdrawal_count_on_day

ZERO = Decimal("0.00")
Kind = Account.Kind


@dataclass(frozen=True)
class MerchantPayouts:
    """What a merchant may withdraw and where to (商家提现): balances, rules, the payout account, who may act."""

    merchant: Merchant
    role: str
    pending: Decimal
    available: Decimal
    frozen: Decimal
    withdrawn: Decimal
    withdrawable: Decimal
    currency: str
    withdrawals_left_today: int
    rules: WithdrawalRules
    account: MerchantPayoutAccount | None

    @property
    def can_withdraw(self) -> bool:
        return self.role in PAYOUT_ROLES and self.account is not None

    @property
    def can_set_account(self) -> bool:
        return self.role == "owner"


def merchant_payouts_get(*, actor, merchant_id: int, now: datetime | None = None) -> MerchantPayouts:
    """The merchant's balances from its ledger accounts, what it may withdraw now and its payout account."""
    membership = merchant_membership(user=actor, merchant_id=merchant_id)
    merchant, role = membership.merchant, membership.role
    balances = owner_balances(merchant)
    rules = merchant_withdrawal_rules()
    available = balances[Kind.MERCHANT_PAYABLE]
    return MerchantPayouts(
        merchant=merchant, role=role, pending=balances[Kind.MERCHANT_PENDING], available=available,
        frozen=balances[Kind.MERCHANT_FROZEN], withdrawn=balances[Kind.MERCHANT_WITHDRAWN],
        withdrawable=max(available, ZERO), currency=CURRENCY,
        withdrawals_left_today=max(rules.daily_count - withdrawal_count_on_day(merchant, now=now), 0), rules=rules,
        account=MerchantPayoutAccount.objects.filter(merchant=merchant).first())


def merchant_withdrawals_query(*, actor, merchant_id: int, status: str = "") -> QuerySet[Withdrawal]:
    """The merchant's withdrawals newest first (提现记录), optionally in one status, for a paginated list."""
    merchant_role(user=actor, merchant_id=merchant_id)
    rows = Withdrawal.objects.filter(merchant_id=merchant_id).select_related("reviewer")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-id")
