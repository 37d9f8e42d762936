"""API shapes for merchants' payouts. Amounts as decimal strings; the bank account goes out masked."""

from __future__ import annotations

from ninja import Field, Schema

from tuishou.wallets.merchant_selectors import MerchantPayouts
from tuishou.wallets.models import MerchantPayoutAccount, Withdrawal
from tuishou.wallets.rules import account_mask, name_mask
from tuishou.wallets.schemas import RulesOut, WithdrawalOut


class PayoutAccountIn(Schema):
    account_name: str = Field(max_length=50, description="The account holder, usually the company")
    account_number: str = Field(max_length=40, description="The bank account number (12 to 19 digits)")
    bank: str = Field(max_length=50, description="The bank, e.g. 招商银行")


class PayoutAccountOut(Schema):
    account_name: str
    account_number: str
    bank: str
    updated_at: str


class MerchantPayoutsOut(Schema):
    merchant_id: int
    role: str
    pending: str
    available: str
    frozen: str
    withdrawn: str
    withdrawable: str
    currency: str
    withdrawals_left_today: int
    can_withdraw: bool
    rules: RulesOut
    account: PayoutAccountOut | None


class MerchantWithdrawalIn(Schema):
    amount: str = Field(description='Decimal string, e.g. "1000.00"')
    idempotency_key: str = Field(max_length=100, description="Send the same key again to retry safely")


class MerchantWithdrawalQuery(Schema):
    status: Withdrawal.Status | None = None
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


class MerchantWithdrawalPageOut(Schema):
    total: int
    limit: int
    offset: int
    items: list[WithdrawalOut]


def payout_account_out(account: MerchantPayoutAccount | None) -> dict | None:
    if account is None:
        return None
    return {"account_name": name_mask(account.account_name),
            "account_number": account_mask("bank_card", account.account_number), "bank": account.bank,
            "updated_at": account.updated_at.isoformat()}


def merchant_payouts_out(payouts: MerchantPayouts) -> dict:
    rules = payouts.rules
    return {"merchant_id": payouts.merchant.pk, "role": payouts.role, "pending": str(payouts.pending),
            "available": str(payouts.available), "frozen": str(payouts.frozen), "withdrawn": str(payouts.withdrawn),
            "withdrawable": str(payouts.withdrawable), "currency": payouts.currency,
            "withdrawals_left_today": payouts.withdrawals_left_today, "can_withdraw": payouts.can_withdraw,
            "rules": {"minimum": str(rules.minimum), "maximum": str(rules.maximum), "fee_rate": str(rules.fee_rate),
                      "fee_minimum": str(rules.fee_minimum), "daily_count": rules.daily_count},
            "account": payout_account_out(payouts.account)}
