"""Merchant statements are sums of the merchant's ledger lines: exact figures, closing = the ledger's balance."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.merchant_money import factories as f
from tests.settlement import factories as sf
from tuishou.core.errors import DomainError
from tuishou.settlement import statements
from tuishou.wallets import sandbox, services

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def month(after_commit):
    """This month: a 400.00 sale settled (net 300), a 200.00 sale refunded in full before shipping (net 150
    taken back), a 100.00 sale still pending (net 75); 100.00 withdrawn and rejected, 150.00 withdrawn and paid,
    100.00 waiting for review."""
    shop = f.merchant()
    f.settled_sale(after_commit, shop, price="400.00")
    sf.refund(after_commit, f.sale(after_commit, shop, price="200.00"), amount="200.00")
    f.sale(after_commit, shop, price="100.00")
    f.account_set(shop)
    services.withdrawal_reject(actor=f.finance(), withdrawal_id=f.withdraw(shop, "100.00").pk, reason="核对账户")
    paid = f.withdraw(shop, "150.00")
    with after_commit():
        f.approve(paid)
    sandbox.sandbox_payout_callbacks_deliver_due()
    f.withdraw(shop, "100.00")
    return shop


def _figures(statement) -> dict:
    return {name: getattr(statement, name) for name in (
        "opening", "sales", "platform_fee", "commissions", "refunds", "withdrawals", "other", "closing",
        "closing_pending", "closing_available", "closing_frozen")}


THIS_MONTH = {"opening": D("0.00"), "sales": D("700.00"), "platform_fee": D("35.00"), "commissions": D("140.00"),
              "refunds": D("150.00"), "withdrawals": D("150.00"), "other": D("0.00"), "closing": D("225.00"),
              "closing_pending": D("75.00"), "closing_available": D("50.00"), "closing_frozen": D("100.00")}


def test_the_month_statement_has_exact_figures_and_closes_on_the_ledger_balance(month):
    period = timezone.localtime().strftime("%Y-%m")
    statement = statements.merchant_statement_month(actor=f.owner(month), merchant_id=month.pk, period=period)

    assert _figures(statement) == THIS_MONTH
    balances = f.balances(month)
    assert statement.closing == balances["pending"] + balances["available"] + balances["frozen"]
    assert statement.closing == statements.merchant_balance_now(month.pk)
    assert (statement.closing_available, statement.closing_frozen) == (balances["available"], balances["frozen"])


def test_monthly_statements_chain_opening_to_the_previous_closing(month, django_assert_max_num_queries):
    next_month = timezone.localtime().replace(day=28) + timedelta(days=5)
    owner = f.owner(month)
    with django_assert_max_num_queries(4):
        listed = statements.merchant_statements_monthly(actor=owner, merchant_id=month.pk, months=3, now=next_month)
    assert [s.label for s in listed] == [f"{next_month:%Y-%m}", timezone.localtime().strftime("%Y-%m"),
                                         listed[2].label]
    assert _figures(listed[1]) == THIS_MONTH
    assert _figures(listed[0]) == {**{k: D("0.00") for k in THIS_MONTH}, "opening": D("225.00"),
                                   "closing": D("225.00"), "closing_pending": D("75.00"),
                                   "closing_available": D("50.00"), "closing_frozen": D("100.00")}
    assert _figures(listed[2]) == {k: D("0.00") for k in THIS_MONTH}


def test_the_page_leaves_out_the_quiet_months_before_the_first_movement_but_keeps_this_month(month):
    next_month = timezone.localtime().replace(day=28) + timedelta(days=5)
    owner = f.owner(month)
    listed = statements.merchant_statements_monthly(actor=owner, merchant_id=month.pk, months=4, now=next_month)
    kept = statements.statements_since_first_movement(listed)
    assert [s.label for s in kept] == [s.label for s in listed[:2]]  # next month (balances only) and this month
    assert [s.label for s in statements.statements_since_first_movement(listed[2:])] == [listed[2].label]
    assert statements.statements_since_first_movement([]) == []


def test_a_range_statement_covers_the_days_given_and_refuses_reversed_days(month):
    today = timezone.localtime().date()
    statement = statements.merchant_statement_range(actor=f.owner(month), merchant_id=month.pk,
                                                    first=today - timedelta(days=3), last=today)
    assert _figures(statement) == THIS_MONTH
    with pytest.raises(DomainError) as caught:
        statements.merchant_statement_range(actor=f.owner(month), merchant_id=month.pk, first=today,
                                            last=today - timedelta(days=1))
    assert caught.value.code == "settlement.statement_range"
    with pytest.raises(DomainError) as caught:
        statements.merchant_statement_range(actor=f.owner(month), merchant_id=month.pk, first=date(2025, 1, 1),
                                            last=date(2026, 6, 1))
    assert caught.value.code == "settlement.statement_range"


def test_someone_elses_statement_is_a_missing_merchant(month):
    for actor in (f.of.user("路人"), f.owner(f.merchant())):
        with pytest.raises(DomainError) as caught:
            statements.merchant_statement_month(actor=actor, merchant_id=month.pk, period="2026-01")
        assert (caught.value.code, caught.value.status) == ("merchants.merchant_unknown", 404)
