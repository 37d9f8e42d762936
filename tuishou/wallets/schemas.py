"""API shapes for wallets. Amounts go in and out as decimal strings ("59.90"); payee accounts go out masked."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from tuishou.network.selectors import public_name
from tuishou.wallets.models import Withdrawal
from tuishou.wallets.rules import account_mask, name_mask
from tuishou.wallets.selectors import Movement, Wallet


class RulesOut(Schema):
    minimum: str
    maximum: str
    fee_rate: str
    fee_minimum: str
    daily_count: int


class WalletOut(Schema):
    pending: str
    available: str
    frozen: str
    withdrawn: str
    withdrawable: str
    currency: str
    withdrawals_left_today: int
    rules: RulesOut
    pending_booking: str  # paid orders' commissions not booked yet (batched accrual), not in any balance


class ReasonOut(Schema):
    code: str
    zh: str
    en: str


class MovementOut(Schema):
    id: int
    at: datetime
    balance: str
    amount: str
    reason: ReasonOut
    order_ref: str | None
    withdrawal_id: int | None


class HistoryOut(Schema):
    total: int
    limit: int
    offset: int
    items: list[MovementOut]


class PageQuery(Schema):
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


class ReviewQuery(PageQuery):
    status: Withdrawal.Status = Withdrawal.Status.REQUESTED
    payee_kind: str = Field("", pattern="^(|promoter|merchant)$", description="promoter, merchant or empty: both")
    q: str = Field("", max_length=50, description="A promoter's phone or invite code, a merchant's name, #id")


class PayeeIn(Schema):
    method: str = Field(description="alipay or bank_card")
    account: str = Field(max_length=100, description="Alipay phone or e-mail, or the card number")
    name: str = Field(max_length=50, description="The account holder's real name")
    bank: str = Field("", max_length=50, description="The card's bank (bank cards only)")


class WithdrawalIn(Schema):
    amount: str = Field(description='Decimal string, e.g. "100.00"')
    payee: PayeeIn
    idempotency_key: str = Field(max_length=100, description="Send the same key again to retry safely")


class PayeeOut(Schema):
    method: str
    account: str
    name: str
    bank: str


class WithdrawalOut(Schema):
    id: int
    amount: str
    fee: str
    net: str
    currency: str
    payee: PayeeOut
    status: str
    reason: str
    requested_at: datetime
    reviewed_at: datetime | None
    completed_at: datetime | None


class ReviewItemOut(WithdrawalOut):
    payee_kind: str  # promoter | merchant
    promoter_id: int | None
    promoter_name: str
    merchant_id: int | None
    merchant_name: str


class WithdrawalPageOut(Schema):
    total: int
    limit: int
    offset: int
    items: list[WithdrawalOut]


class ReviewPageOut(Schema):
    total: int
    limit: int
    offset: int
    items: list[ReviewItemOut]


class RejectIn(Schema):
    reason: str = Field(max_length=200)


class WebhookOut(Schema):
    status: str
    event_id: str
    reason: str = ""


def wallet_out(wallet: Wallet) -> dict:
    rules = wallet.rules
    return {"pending": str(wallet.pending), "available": str(wallet.available), "frozen": str(wallet.frozen),
            "withdrawn": str(wallet.withdrawn), "withdrawable": str(wallet.withdrawable),
            "currency": wallet.currency, "withdrawals_left_today": wallet.withdrawals_left_today,
            "pending_booking": str(wallet.pending_booking),
            "rules": {"minimum": str(rules.minimum), "maximum": str(rules.maximum), "fee_rate": str(rules.fee_rate),
                      "fee_minimum": str(rules.fee_minimum), "daily_count": rules.daily_count}}


def movement_out(movement: Movement) -> dict:
    reason = movement.reason
    return {"id": movement.line_id, "at": movement.at, "balance": movement.balance, "amount": str(movement.amount),
            "reason": {"code": reason.code, "zh": reason.zh, "en": reason.en}, "order_ref": movement.order_ref,
            "withdrawal_id": movement.withdrawal_id}


def withdrawal_out(withdrawal: Withdrawal) -> dict:
    """A withdrawal as its promoter (or finance) sees it: the payee's account and name masked."""
    return {"id": withdrawal.pk, "amount": str(withdrawal.amount), "fee": str(withdrawal.fee),
            "net": str(withdrawal.net), "currency": withdrawal.currency, "status": withdrawal.status,
            "reason": withdrawal.reason, "requested_at": withdrawal.requested_at,
            "reviewed_at": withdrawal.reviewed_at, "completed_at": withdrawal.completed_at,
            "payee": {"method": withdrawal.payee_method,
                      "account": account_mask(withdrawal.payee_method, withdrawal.payee_account),
                      "name": name_mask(withdrawal.payee_name), "bank": withdrawal.payee_bank}}


def review_item_out(withdrawal: Withdrawal) -> dict:
    """A withdrawal as finance reviews it: whose (a promoter or a merchant) and how much."""
    user = withdrawal.promoter.user if withdrawal.promoter_id else None
    return {**withdrawal_out(withdrawal), "payee_kind": withdrawal.payee_kind, "promoter_id": withdrawal.promoter_id,
            "promoter_name": public_name(user.display_name, user.phone) if user else "",
            "merchant_id": withdrawal.merchant_id,
            "merchant_name": withdrawal.merchant.name if withdrawal.merchant_id else ""}
