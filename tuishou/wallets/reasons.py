"""Why a wallet's balance moved, in the words a promoter reads (pure Python: no Django import).

Each journal entry kind of the ledger maps to a reason in Chinese and English; a kind added to the ledger
later shows under its own code until it is named here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    code: str
    zh: str
    en: str


_REASONS = {
    "commission_accrued": ("佣金入账（售后期内，待结算）", "Commission earned (pending until after-sales closes)"),
    "commission_settled": ("佣金结算，转为可提现", "Commission settled: now available"),
    "commission_cancelled": ("退款取消待结算佣金", "Pending commission cancelled by a refund"),
    "commission_clawback": ("退款追回已结算佣金", "Settled commission clawed back after a refund"),
    "risk_cancelled": ("风控驳回，取消待结算佣金",
                       "Pending commission cancelled: the order was rejected by risk control"),
    "risk_clawback": ("风控驳回，追回已结算佣金",
                      "Settled commission clawed back: the order was rejected by risk control"),
    "withdrawal_requested": ("申请提现，余额冻结", "Withdrawal requested: amount frozen"),
    "withdrawal_rejected": ("提现被驳回，解冻退回余额", "Withdrawal rejected: amount released"),
    "withdrawal_paid": ("提现到账（已扣手续费）", "Withdrawal paid out (fee deducted)"),
    "withdrawal_failed": ("出款失败，解冻退回余额", "Payout failed: amount released"),
    "order_paid": ("订单支付", "Order paid"),
    "order_refunded": ("订单退款", "Order refunded"),
    "merchant_settled": ("商家结算", "Merchant settled"),
    "period_commission": ("月度奖励（团队业绩、奖池）", "Monthly bonus (team volume, pools)"),
    "adjustment": ("平台人工调整", "Adjustment by the platform"),
    "reversal": ("冲正", "Reversal of an earlier entry"),
    "materials_reward": ("素材奖励（你的素材带来的成交）", "Materials reward (sales your materials helped)"),
    "withdrawal_paid_after_failed": ("出款失败后渠道确认到账，退回的金额扣回",
                                     "Payout reported failed was paid after all: the returned amount taken back"),
    "withdrawal_payout_reversed": ("渠道确认出款失败，金额退回余额", "The provider confirmed the payout failed: "
                                   "amount returned"),
    "payout_debt_recovered": ("重复到账的出款从余额追回", "A payout paid twice, recovered from the balance"),
}


def reason_for(entry_kind: str) -> Reason:
    """The reason shown for a movement booked by an entry of ``entry_kind``."""
    zh, en = _REASONS.get(entry_kind, (entry_kind, entry_kind))
    return Reason(code=entry_kind, zh=zh, en=en)
