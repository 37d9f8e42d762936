"""The wallets' reconciliation check: frozen and withdrawn balances agree with the withdrawals."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from tests.wallets import factories as f
from tuishou.ledger.models import Account, JournalEntry
from tuishou.ledger.reconcile import reconcile_run
from tuishou.ledger.services import account_for, journal_post
from tuishou.wallets import services

pytestmark = pytest.mark.django_db


@pytest.mark.tampered
def test_money_frozen_without_a_withdrawal_is_reported():
    # given a promoter with one withdrawal under review, and 5.00 booked into frozen behind its back
    promoter = f.promoter()
    f.fund(promoter, "100.00")
    f.withdraw(promoter, "40.00")
    journal_post(kind=JournalEntry.Kind.ADJUSTMENT, key="stray", memo="a mistake",
                 lines=[(account_for(Account.Kind.COMMISSION_EXPENSE), Decimal("5.00")),
                        (account_for(Account.Kind.PROMOTER_FROZEN, promoter), Decimal("-5.00"))])
    # then the check names the promoter, what the ledger holds and what the withdrawals say
    [result] = reconcile_run(["withdrawals_match_ledger"]).results
    assert [str(m) for m in result.mismatches] == [
        f"promoter #{promoter.pk} promoter_frozen: found 45.00, expected 40.00 (sum of the withdrawals' amounts)"]
    with pytest.raises(CommandError):
        call_command("reconcile", "--check", "withdrawals_match_ledger", stdout=None)


def test_a_paid_withdrawal_reconciles_against_the_withdrawn_balance(after_commit):
    promoter = f.promoter()
    f.fund(promoter, "100.00")
    withdrawal = f.withdraw(promoter, "100.00")
    with after_commit():
        services.withdrawal_approve(actor=f.finance(), withdrawal_id=withdrawal.pk)
    [result] = reconcile_run(["withdrawals_match_ledger"]).results
    assert result.ok
    f.reconciled()
