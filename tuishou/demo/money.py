"""The platform's routine over the demo's months: the daily jobs the scheduler runs (expire unpaid checkouts,
auto-confirm, complete, escalate overdue after-sales, settle), weekly rank evaluations, the monthly period
settlement, and promoters withdrawing what settlement made available, reviewed by finance and paid out
through the payout sandbox."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from django.utils import timezone

from tuishou.demo.callbacks import payout_callbacks_deliver
from tuishou.demo.world import DAY, HOUR, MINUTE, World
from tuishou.incentives.evaluation import ranks_evaluate_all
from tuishou.ledger.models import Account
from tuishou.network.models import Promoter
from tuishou.orders import aftersales, fulfilment, paying
from tuishou.settlement.periods import period_settle, previous_period
from tuishou.settlement.selectors import promoter_withdrawable
from tuishou.settlement.settle import settlement_run
from tuishou.wallets import services as wallets

MIN_WITHDRAWAL = Decimal("15")  # above the platform's minimum and its fee
REJECT_REASONS = ("收款账户姓名与实名信息不一致，请核对后重新申请。", "近期订单存在异常退款，待核实后再提现。")


def daily_jobs() -> None:
    """What the scheduler runs every night, in the order it runs them."""
    now = timezone.now()
    paying.checkouts_expire(now=now)
    fulfilment.orders_auto_confirm(now=now)
    fulfilment.orders_complete(now=now)
    aftersales.aftersales_escalate_overdue(now=now)
    settlement_run(as_of=now)


def routine_schedule(world: World, *, start_days: int) -> None:
    """Daily jobs every 24 hours back from the load (and a last sweep 40 minutes before it), rank evaluations
    weekly and at the end, the period settlement on the first of each month."""
    for days in range(start_days, 0, -1):
        world.timeline.at(world.ago(days * DAY), daily_jobs)
        if days % 7 == 0:
            world.timeline.at(world.ago(days * DAY) + MINUTE, lambda: ranks_evaluate_all())
    world.timeline.at(world.ago(40 * MINUTE), daily_jobs)
    world.timeline.at(world.ago(30 * MINUTE), lambda: ranks_evaluate_all())
    month = timezone.localtime(world.ago(start_days * DAY)).replace(day=1, hour=0, minute=5, second=0, microsecond=0)
    while True:
        month = (month + 32 * DAY).replace(day=1)
        if month >= world.end:
            break
        world.timeline.at(month, lambda: period_settle(period=previous_period(timezone.now())))


# ---- withdrawals ----------------------------------------------------------------------------------------------

def _payee(promoter: Promoter) -> dict:
    user = promoter.user
    return {"method": "alipay", "account": user.phone, "name": user.display_name.split("·")[-1]}


def withdraw(world: World, promoter: Promoter, *, share: str, review: str | None, key: str) -> bool:
    """The promoter asks for ``share`` of what they may withdraw (whole yuan, at least ``MIN_WITHDRAWAL``);
    finance reviews it a day later
    (``review``: "pay", "approve" — left to the payout task — "reject", or None: still under review).
    Answers False when there is too little to withdraw."""
    withdrawable = promoter_withdrawable(promoter)
    if withdrawable < MIN_WITHDRAWAL:
        return False
    amount = max((withdrawable * Decimal(share)).quantize(Decimal("1"), rounding=ROUND_DOWN), MIN_WITHDRAWAL)
    withdrawal = wallets.withdrawal_request(promoter=promoter, amount=amount, payee=_payee(promoter),
                                           idempotency_key=key)
    if review is not None:
        world.timeline.at(world.clock_now() + 20 * HOUR, lambda: _review(world, withdrawal.pk, review))
    return True


def _review(world: World, withdrawal_id: int, review: str) -> None:
    finance = world.users["ops_finance"]
    if review == "reject":
        # Not drawn from the demo's random source: finance's rounds never change what else the demo does.
        reason = REJECT_REASONS[withdrawal_id % len(REJECT_REASONS)]
        wallets.withdrawal_reject(actor=finance, withdrawal_id=withdrawal_id, reason=reason)
        return
    wallets.withdrawal_approve(actor=finance, withdrawal_id=withdrawal_id)
    if review == "pay":  # the payout task's work, done now: submit to the sandbox and take its callback
        wallets.withdrawal_payout_submit(withdrawal_id=withdrawal_id)
        payout_callbacks_deliver()


# (days ago, reviews of that round's requests, in order of the promoters' balances)
ROUNDS = ((35, ("pay", "reject", "pay")), (28, ("pay", "pay", "pay", "pay")), (21, ("pay", "pay", "reject", "pay")),
          (14, ("pay", "pay", "pay", "pay")), (7, ("pay", "pay", "pay", "reject")),
          (2, ("approve", "approve", "pay")), (0.8, (None, None, None, None)))
DEMO_ROUNDS = ((18, "0.4", "pay"), (11, "0.3", "reject"), (7, "0.4", "pay"), (3, "0.3", "approve"),
               (0.5, "0.3", None))


def withdrawals_schedule(world: World) -> None:
    """Finance rounds: the promoters with the most to withdraw ask for most of it; the demo promoter too."""
    for days, reviews in ROUNDS:
        world.timeline.at(world.ago(days * DAY), lambda days=days, reviews=reviews: _round(world, days, reviews))
    for days, share, review in DEMO_ROUNDS:
        world.timeline.at(world.ago(days * DAY) + HOUR, lambda days=days, share=share, review=review: withdraw(
            world, world.demo_promoter, share=share, review=review, key=f"demo-withdrawal-{days}"))


def _round(world: World, days: float, reviews: tuple) -> None:
    # Available balances are credit-normal: the most negative ledger balance is the most money.
    richest = (Account.objects.filter(kind=Account.Kind.PROMOTER_AVAILABLE, balance__lt=0)
               .exclude(promoter_id=world.demo_promoter.pk).order_by("balance", "pk")
               .values_list("promoter_id", flat=True)[:len(reviews)])
    for promoter, review in zip(Promoter.objects.filter(pk__in=list(richest)).order_by("pk"), reviews, strict=False):
        withdraw(world, promoter, share="0.8", review=review, key=f"demo-withdrawal-{days}-{promoter.pk}")
