"""Requesting a withdrawal: the amount frozen, each refusal with its code and nothing written, idempotency."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.wallets import factories as f
from tuishou.core.errors import DomainError
from tuishou.wallets.models import Withdrawal, WithdrawalStatusChange
from tuishou.wallets.selectors import business_day_bounds

pytestmark = pytest.mark.django_db


def test_a_request_freezes_the_amount_and_records_fee_and_net():
    # given a promoter with 500.00 available
    promoter = f.promoter()
    f.fund(promoter, "500.00")
    # when they ask for 200.00 to their Alipay account
    withdrawal = f.withdraw(promoter, "200.00", payee=f.ALIPAY, key="first")
    # then 200.00 moves from available to frozen, and the fee (0.6%, at least 1.00) is worked out
    assert (withdrawal.status, withdrawal.amount, withdrawal.fee, withdrawal.net) == (
        "requested", Decimal("200.00"), Decimal("1.20"), Decimal("198.80"))
    assert (withdrawal.payee_method, withdrawal.payee_account, withdrawal.payee_name) == (
        "alipay", "13812348000", "张小明")
    assert withdrawal.payee_display == "138****8000 **明"
    assert f.balances(promoter) == {"available": Decimal("300.00"), "frozen": Decimal("200.00"),
                                    "withdrawn": Decimal("0.00"), "revenue": Decimal("0.00")}
    assert f.entry_lines(f"withdrawal:{withdrawal.pk}:requested") == [
        ("promoter_available", Decimal("200.00")), ("promoter_frozen", Decimal("-200.00"))]
    assert list(WithdrawalStatusChange.objects.values_list("event", "from_status", "to_status")) == [
        ("request", "", "requested")]
    f.reconciled()


def test_the_whole_available_balance_can_be_withdrawn():
    promoter = f.promoter()
    f.fund(promoter, "88.88")
    f.withdraw(promoter, "88.88")
    assert f.balances(promoter)["available"] == Decimal("0.00")
    f.reconciled()


def _refused(promoter, amount, code, **kwargs):
    before = f.written()
    with pytest.raises(DomainError) as caught:
        f.withdraw(promoter, amount, **kwargs)
    assert caught.value.code == code
    assert f.written() == before
    return caught.value


def test_below_the_minimum_is_refused_and_nothing_is_written():
    promoter = f.promoter()
    f.fund(promoter, "500.00")
    error = _refused(promoter, "9.99", "wallets.amount_below_min")
    assert (error.status, error.details["minimum"]) == (400, "10.00")
    f.reconciled()


def test_above_the_maximum_is_refused_and_nothing_is_written():
    promoter = f.promoter()
    f.fund(promoter, "60000.00")
    error = _refused(promoter, "50000.01", "wallets.amount_above_max")
    assert (error.status, error.details["maximum"]) == (400, "50000.00")
    f.reconciled()


def test_more_than_available_is_refused_and_nothing_is_written():
    promoter = f.promoter()
    f.fund(promoter, "100.00")
    error = _refused(promoter, "100.01", "wallets.insufficient_funds")
    assert (error.status, error.details) == (409, {"available": "100.00", "amount": "100.01"})
    assert f.balances(promoter)["available"] == Decimal("100.00")
    f.reconciled()


def test_a_promoter_without_any_balance_is_refused_without_opening_accounts():
    promoter = f.promoter()
    _refused(promoter, "10.00", "wallets.insufficient_funds")


def test_a_negative_balance_blocks_withdrawals_and_nothing_is_written():
    # given a clawback that left the promoter owing 20.00
    promoter = f.promoter()
    f.fund(promoter, "30.00")
    f.claw(promoter, "50.00")
    error = _refused(promoter, "10.00", "wallets.balance_negative")
    assert (error.status, error.details) == (409, {"available": "-20.00"})
    f.reconciled()


def test_the_fourth_request_of_a_shanghai_day_is_refused_and_nothing_is_written(settings):
    promoter = f.promoter()
    f.fund(promoter, "1000.00")
    for _ in range(3):
        f.withdraw(promoter, "10.00")
    error = _refused(promoter, "10.00", "wallets.daily_limit")
    assert (error.status, error.details) == (429, {"daily_count": 3})
    f.reconciled()


def test_requests_of_the_previous_shanghai_day_do_not_count_even_if_rejected_ones_do():
    promoter = f.promoter()
    f.fund(promoter, "1000.00")
    earlier = [f.withdraw(promoter, "10.00") for _ in range(3)]
    # move them to just before today's midnight in Asia/Shanghai (16:00 UTC the day before)
    start, _ = business_day_bounds(timezone.now())
    Withdrawal.objects.filter(pk__in=[w.pk for w in earlier]).update(requested_at=start - timedelta(seconds=1))
    assert f.withdraw(promoter, "10.00").status == "requested"
    assert start.utcoffset() == timedelta(hours=8)
    f.reconciled()


def test_the_daily_count_follows_the_setting(settings):
    settings.TUISHOU = {**settings.TUISHOU, "WITHDRAWAL_DAILY_COUNT": 1}
    promoter = f.promoter()
    f.fund(promoter, "100.00")
    f.withdraw(promoter, "10.00")
    _refused(promoter, "10.00", "wallets.daily_limit")


@pytest.mark.parametrize(("amount", "code"), [("12.345", "money.too_precise"), ("-10.00", "money.negative"),
                                              ("lots", "money.malformed")])
def test_a_malformed_amount_is_refused_and_nothing_is_written(amount, code):
    promoter = f.promoter()
    f.fund(promoter, "100.00")
    _refused(promoter, amount, code)


def test_a_malformed_payee_is_refused_and_nothing_is_written():
    promoter = f.promoter()
    f.fund(promoter, "100.00")
    _refused(promoter, "10.00", "wallets.payee_invalid", payee={"method": "alipay", "account": "x", "name": "张三"})


def test_a_replayed_key_answers_the_first_withdrawal_and_books_once():
    promoter = f.promoter()
    f.fund(promoter, "100.00")
    first = f.withdraw(promoter, "60.00", key="tap-1")
    before = f.written()
    # the app retries after a timeout: same key, same request — even though 40.00 would not cover it now
    again = f.withdraw(promoter, "60.00", key="tap-1")
    assert again.pk == first.pk
    assert f.written() == before
    assert f.balances(promoter)["frozen"] == Decimal("60.00")
    f.reconciled()


def test_a_key_reused_for_another_amount_is_a_conflict():
    promoter = f.promoter()
    f.fund(promoter, "100.00")
    f.withdraw(promoter, "60.00", key="tap-2")
    error = _refused(promoter, "30.00", "wallets.idempotency_key_reused", key="tap-2")
    assert error.status == 409


def test_keys_are_per_promoter():
    first, second = f.promoter(), f.promoter()
    f.fund(first, "100.00")
    f.fund(second, "100.00")
    assert f.withdraw(first, "10.00", key="same").pk != f.withdraw(second, "10.00", key="same").pk
    f.reconciled()


def test_a_bank_card_payee_is_kept_whole_and_shown_masked():
    promoter = f.promoter()
    f.fund(promoter, "100.00")
    withdrawal = f.withdraw(promoter, "50.00", payee=f.CARD)
    assert (withdrawal.payee_account, withdrawal.payee_bank) == ("6222021234567890", "工商银行")
    assert withdrawal.payee_display == "工商银行 **** **** **** 7890 *四"
