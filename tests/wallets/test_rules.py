"""The pure withdrawal rules: fees, payees and their masks (no database)."""

from decimal import Decimal

import pytest

from tuishou.core.errors import InvalidInput
from tuishou.wallets.reasons import reason_for
from tuishou.wallets.rules import WithdrawalRules, payee_parse, withdrawal_fee, withdrawal_rules_from

RULES = withdrawal_rules_from({})


@pytest.mark.parametrize(("amount", "fee"), [
    ("10.00", "1.00"),        # 0.06 → the 1.00 floor
    ("166.66", "1.00"),       # 0.99996 rounds to 1.00
    ("175.00", "1.05"),       # 1.05 exactly
    ("100.75", "1.00"),       # 0.6045 → floor
    ("1000.00", "6.00"),
    ("1234.58", "7.41"),      # 7.40748 rounds half up to 7.41
    ("50000.00", "300.00"),
])
def test_the_fee_is_the_rate_rounded_half_up_with_a_floor(amount, fee):
    assert withdrawal_fee(Decimal(amount), RULES) == Decimal(fee)


def test_default_rules_are_the_platform_settings():
    expected = WithdrawalRules(minimum=Decimal("10.00"), maximum=Decimal("50000.00"), fee_rate=Decimal("0.006"),
                               fee_minimum=Decimal("1.00"), daily_count=3)
    assert withdrawal_rules_from({}) == expected


def test_inconsistent_rules_are_refused():
    with pytest.raises(ValueError):
        withdrawal_rules_from({"WITHDRAWAL_MIN": "100.00", "WITHDRAWAL_MAX": "50.00"})
    with pytest.raises(ValueError):
        withdrawal_rules_from({"WITHDRAWAL_FEE_MIN": "10.00"})


def test_an_alipay_phone_and_a_bank_card_are_parsed_and_masked():
    alipay = payee_parse({"method": "alipay", "account": " 13812348000 ", "name": "张小明"})
    card = payee_parse({"method": "bank_card", "account": "6222 0212-3456 7890", "name": "李四", "bank": "工商银行"})
    assert (alipay.account, alipay.masked_account, alipay.masked_name) == ("13812348000", "138****8000", "**明")
    assert (card.account, card.masked_account, card.masked_name, card.bank) == (
        "6222021234567890", "**** **** **** 7890", "*四", "工商银行")
    assert payee_parse({"method": "alipay", "account": "zhang@example.com", "name": "Z"}).masked_account == (
        "zh***@example.com")


@pytest.mark.parametrize(("payee", "field"), [
    ({"method": "wechat", "account": "13812348000", "name": "张三"}, "payee.method"),
    ({"method": "alipay", "account": "12345", "name": "张三"}, "payee.account"),
    ({"method": "alipay", "account": "13812348000", "name": "  "}, "payee.name"),
    ({"method": "bank_card", "account": "6222-abc", "name": "张三", "bank": "工商银行"}, "payee.account"),
    ({"method": "bank_card", "account": "6222021234567890", "name": "张三"}, "payee.bank"),
])
def test_a_malformed_payee_names_the_wrong_field(payee, field):
    with pytest.raises(InvalidInput) as caught:
        payee_parse(payee)
    assert (caught.value.code, caught.value.details) == ("wallets.payee_invalid", {"field": field})


def test_every_withdrawal_movement_has_a_reason_in_both_languages():
    assert reason_for("withdrawal_paid").zh == "提现到账（已扣手续费）"
    assert reason_for("withdrawal_failed").en == "Payout failed: amount released"
    assert reason_for("something_new").zh == "something_new"
