"""The demo merchant gets paid (商家提现): its owner sets the payout bank account early in the demo's months, then
withdraws part of what settlement made available every few weeks; finance (13800000002) pays most, rejects one
and has the last one still to review — so /merchant/payouts/, /merchant/statements/ and /ops/withdrawals/ open
on believable history."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from tuishou.demo.callbacks import payout_callbacks_deliver
from tuishou.demo.world import DAY, HOUR, World
from tuishou.wallets import merchant_payouts, services
from tuishou.wallets.merchant_selectors import merchant_payouts_get

# (days ago, share of what is available, finance's review: "pay", "reject" or None — still under review)
ROUNDS = ((62, "0.8", "pay"), (41, "0.7", "pay"), (27, "0.6", "reject"), (20, "0.7", "pay"), (9, "0.6", "pay"),
          (0.3, "0.5", None))
REJECT_REASON = "开户名与营业执照上的企业名称不一致，请核对收款账户后重新申请。"


def merchant_payouts_schedule(world: World) -> None:
    """Put the demo merchant's payout account and withdrawal rounds on the demo's timeline."""
    owner = world.users["merchant_demo"]
    merchant_id = min(pk for pk, person in world.merchant_staff.items() if person == owner)
    world.timeline.at(world.ago(80 * DAY), lambda: _account_set(owner, merchant_id))
    for days, share, review in ROUNDS:
        world.timeline.at(world.ago(days * DAY) + 2 * HOUR, lambda days=days, share=share, review=review: _withdraw(
            world, owner, merchant_id, share=share, review=review, key=f"demo-merchant-withdrawal-{days}"))


def _account_set(owner, merchant_id: int) -> None:
    summary = merchant_payouts_get(actor=owner, merchant_id=merchant_id)
    merchant_payouts.merchant_payout_account_set(actor=owner, merchant_id=merchant_id,
                                                 account_name=summary.merchant.name[:50],
                                                 account_number="6214 8301 0001 2345", bank="招商银行深圳科技园支行")


def _withdraw(world: World, owner, merchant_id: int, *, share: str, review: str | None, key: str) -> None:
    summary = merchant_payouts_get(actor=owner, merchant_id=merchant_id)
    amount = (summary.withdrawable * Decimal(share)).quantize(Decimal("1"), rounding=ROUND_DOWN)
    if amount < summary.rules.minimum:
        return
    withdrawal = merchant_payouts.merchant_withdrawal_request(actor=owner, merchant_id=merchant_id, amount=amount,
                                                              idempotency_key=key)
    if review is not None:
        world.timeline.at(world.clock_now() + 20 * HOUR, lambda: _review(world, withdrawal.pk, review))


def _review(world: World, withdrawal_id: int, review: str) -> None:
    finance = world.users["ops_finance"]
    if review == "reject":
        services.withdrawal_reject(actor=finance, withdrawal_id=withdrawal_id, reason=REJECT_REASON)
        return
    services.withdrawal_approve(actor=finance, withdrawal_id=withdrawal_id)
    services.withdrawal_payout_submit(withdrawal_id=withdrawal_id)  # the payout task's work, done now
    payout_callbacks_deliver()
