"""The wallet: four balances from the ledger, what may be withdrawn, and a history with reasons."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from tests.wallets import factories as f
from tuishou.wallets import services
from tuishou.wallets.selectors import wallet_get, wallet_history

pytestmark = pytest.mark.django_db
LEDGER_CHECKS = ["--check", "account_balances", "--check", "entries_balanced", "--check", "withdrawals_match_ledger"]


@pytest.mark.reconcile_checks("account_balances", "entries_balanced", "withdrawals_match_ledger")
def test_wallet_figures_are_the_ledger_balances(after_commit):
    # given 120.00 pending, 1,000.00 made available, 300.00 paid out and 200.00 under review
    promoter = f.promoter()
    f.accrue(promoter, "120.00")
    f.fund(promoter, "1000.00")
    paid = f.withdraw(promoter, "300.00")
    with after_commit():
        services.withdrawal_approve(actor=f.finance(), withdrawal_id=paid.pk)
    f.withdraw(promoter, "200.00")
    # then
    wallet = wallet_get(promoter)
    assert (wallet.pending, wallet.available, wallet.frozen, wallet.withdrawn, wallet.withdrawable) == (
        Decimal("120.00"), Decimal("500.00"), Decimal("200.00"), Decimal("298.20"), Decimal("500.00"))
    assert (wallet.currency, wallet.withdrawals_left_today) == ("CNY", 1)
    call_command("reconcile", *LEDGER_CHECKS, stdout=None)


def test_an_empty_wallet_is_all_zero():
    wallet = wallet_get(f.promoter())
    assert (wallet.pending, wallet.available, wallet.frozen, wallet.withdrawn, wallet.withdrawable) == (
        Decimal("0.00"),) * 5
    assert wallet.withdrawals_left_today == 3


def test_a_negative_balance_shows_and_nothing_is_withdrawable():
    promoter = f.promoter()
    f.fund(promoter, "10.00")
    f.claw(promoter, "25.50")
    wallet = wallet_get(promoter)
    assert (wallet.available, wallet.withdrawable) == (Decimal("-15.50"), Decimal("0.00"))


@pytest.mark.reconcile_checks("account_balances", "entries_balanced", "withdrawals_match_ledger")
def test_the_history_lists_every_movement_newest_first_with_its_reason_and_order(after_commit):
    promoter = f.promoter()
    f.accrue(promoter, "12.30", order_ref="TS20261001007")
    f.fund(promoter, "100.00")
    withdrawal = f.withdraw(promoter, "100.00")
    with after_commit():
        services.withdrawal_reject(actor=f.finance(), withdrawal_id=withdrawal.pk, reason="请补充实名信息")
    total, page = wallet_history(promoter)
    rows = [(m.balance, m.amount, m.reason.code, m.order_ref, m.withdrawal_id) for m in page]
    assert total == 6
    assert rows == [
        ("available", Decimal("100.00"), "withdrawal_rejected", None, withdrawal.pk),
        ("frozen", Decimal("-100.00"), "withdrawal_rejected", None, withdrawal.pk),
        ("frozen", Decimal("100.00"), "withdrawal_requested", None, withdrawal.pk),
        ("available", Decimal("-100.00"), "withdrawal_requested", None, withdrawal.pk),
        ("available", Decimal("100.00"), "adjustment", None, None),
        ("pending", Decimal("12.30"), "commission_accrued", "TS20261001007", None),
    ]
    assert (page[0].reason.zh, page[0].reason.en) == ("提现被驳回，解冻退回余额",
                                                      "Withdrawal rejected: amount released")
    assert page[0].memo == f"Withdrawal #{withdrawal.pk} rejected: 请补充实名信息"
    call_command("reconcile", *LEDGER_CHECKS, stdout=None)


def test_the_history_is_paginated_and_shows_only_the_promoters_own_movements():
    promoter, other = f.promoter(), f.promoter()
    for amount in ("1.00", "2.00", "3.00"):
        f.fund(promoter, amount)
    f.fund(other, "9.00")
    total, page = wallet_history(promoter, limit=2, offset=1)
    assert (total, [m.amount for m in page]) == (3, [Decimal("2.00"), Decimal("1.00")])
