"""Withdrawal rules as plain data (pure Python: no Django import).

The limits a withdrawal (提现) must respect, the fee it pays (手续费), and the payee (收款账户) it goes to, with
the masked form a person is shown. ``services`` reads the figures from settings (``withdrawal_rules_from``)
and applies them under the wallet's row locks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from tuishou.core.errors import InvalidInput, Phrase
from tuishou.core.errors import gettext_noop as _
from tuishou.core.money import MINOR_UNIT, parse_amount
from tuishou.wallets.errors import WalletError

ALIPAY = "alipay"
BANK_CARD = "bank_card"
PAYEE_METHODS = (ALIPAY, BANK_CARD)

_PHONE = re.compile(r"^1\d{10}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CARD = re.compile(r"^\d{12,19}$")


@dataclass(frozen=True)
class WithdrawalRules:
    """Minimum and maximum of one withdrawal, the fee (a rate with a floor) and requests allowed per day."""

    minimum: Decimal
    maximum: Decimal
    fee_rate: Decimal
    fee_minimum: Decimal
    daily_count: int

    def __post_init__(self) -> None:
        if not (Decimal(0) < self.minimum <= self.maximum and Decimal(0) <= self.fee_rate < 1
                and Decimal(0) <= self.fee_minimum < self.minimum and self.daily_count >= 1):
            raise ValueError(f"inconsistent withdrawal rules: {self}")


def withdrawal_rules_from(config: Mapping[str, object]) -> WithdrawalRules:
    """Rules from the ``TUISHOU`` settings dict (amounts as decimal strings), with the platform defaults."""
    return WithdrawalRules(
        minimum=parse_amount(config.get("WITHDRAWAL_MIN", "10.00"), field="WITHDRAWAL_MIN"),
        maximum=parse_amount(config.get("WITHDRAWAL_MAX", "50000.00"), field="WITHDRAWAL_MAX"),
        fee_rate=Decimal(str(config.get("WITHDRAWAL_FEE_RATE", "0.006"))),
        fee_minimum=parse_amount(config.get("WITHDRAWAL_FEE_MIN", "1.00"), field="WITHDRAWAL_FEE_MIN"),
        daily_count=int(config.get("WITHDRAWAL_DAILY_COUNT", 3)),
    )


def withdrawal_fee(amount: Decimal, rules: WithdrawalRules) -> Decimal:
    """The fee on ``amount``: ``fee_rate × amount`` rounded half up to the fen, never below ``fee_minimum``.

    Half up, as payment providers round their own fees; the fee never exceeds the amount. The promoter
    receives ``amount − fee`` (到账金额) and the fee is platform revenue.
    """
    fee = max((amount * rules.fee_rate).quantize(MINOR_UNIT, rounding=ROUND_HALF_UP), rules.fee_minimum)
    return min(fee, amount)


@dataclass(frozen=True)
class Payee:
    """Where a withdrawal is paid: an Alipay account (phone or e-mail) or a bank card, and the holder's name."""

    method: str
    account: str
    name: str
    bank: str = ""

    @property
    def masked_account(self) -> str:
        return account_mask(self.method, self.account)

    @property
    def masked_name(self) -> str:
        return name_mask(self.name)


def payee_parse(value: Payee | Mapping[str, object]) -> Payee:
    """A checked ``Payee`` from a mapping (``method``, ``account``, ``name``, optional ``bank``).

    Raises ``InvalidInput`` ``wallets.payee_invalid`` naming the field that is wrong. Spaces and dashes in
    a card number are dropped, so "6222 0212 3456 7890" is the card 6222021234567890.
    """
    data = value.__dict__ if isinstance(value, Payee) else dict(value)
    method = str(data.get("method") or "").strip()
    account = str(data.get("account") or "").strip()
    name = str(data.get("name") or "").strip()
    bank = str(data.get("bank") or "").strip()

    def invalid(field: str, problem: str) -> InvalidInput:
        return InvalidInput(WalletError.PAYEE_INVALID, problem=Phrase(problem),
                            details={"field": f"payee.{field}"})

    if method not in PAYEE_METHODS:
        raise invalid("method", _("give alipay or bank_card"))
    if not 1 <= len(name) <= 50:
        raise invalid("name", _("give the account holder's name (at most 50 characters)"))
    if method == BANK_CARD:
        account = re.sub(r"[\s-]", "", account)
        if not _CARD.match(account):
            raise invalid("account", _("a bank card number has 12 to 19 digits"))
        if not 1 <= len(bank) <= 50:
            raise invalid("bank", _("name the bank of the card (at most 50 characters)"))
    elif not (_PHONE.match(account) or (_EMAIL.match(account) and len(account) <= 100)):
        raise invalid("account", _("an Alipay account is a mobile number or an e-mail address"))
    return Payee(method=method, account=account, name=name, bank=bank if method == BANK_CARD else "")


def account_mask(method: str, account: str) -> str:
    """An account as shown to people: a card's last four digits, a phone's first three and last four, an
    e-mail's first two letters and its domain."""
    if method == BANK_CARD:
        return f"**** **** **** {account[-4:]}"
    if "@" in account:
        local, _, domain = account.partition("@")
        return f"{local[:2]}***@{domain}"
    return f"{account[:3]}****{account[-4:]}"


def name_mask(name: str) -> str:
    """A holder's name as shown to people: every character but the last hidden ("张三" → "*三")."""
    return "*" * (len(name) - 1) + name[-1:] if len(name) > 1 else name
