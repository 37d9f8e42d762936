"""Money arithmetic (pure Python: no Django import).

Amounts are ``Decimal`` in the currency's major unit (元) with two places; the database keeps
them as integer minor units (分), because SQLite sums decimals as floats. Conversions here are exact
or raise: an amount with more places than the currency has is bad input, never silently rounded.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from tuishou.core.errors import CoreError, InvalidInput

CURRENCY = "CNY"
MINOR_DIGITS = 2
MINOR_UNIT = Decimal(1).scaleb(-MINOR_DIGITS)  # Decimal("0.01")
_MINOR_PER_MAJOR = 10**MINOR_DIGITS
# A trillion yuan: far above any order or balance, far below what a BIGINT of minor units holds.
MAX_AMOUNT = Decimal(10**12)


_PLAIN_DECIMAL = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def parse_amount(value: object, *, field: str = "amount", allow_negative: bool = False) -> Decimal:
    """Parse a money amount from a string, int or Decimal; floats are refused.

    Raises ``InvalidInput`` with code ``money.malformed`` naming ``field`` when the value is not an
    exact decimal with at most two places (or is negative, unless allowed).
    """
    if isinstance(value, (bool, float)):
        raise InvalidInput(CoreError.MONEY_MALFORMED, field=field, value=value,
                           details={"field": field})
    if isinstance(value, str) and not _PLAIN_DECIMAL.fullmatch(value.strip()):
        # Decimal() also reads "1e3", "1_000.00", full-width digits, "NaN": an amount is written plainly.
        raise InvalidInput(CoreError.MONEY_MALFORMED, field=field, value=value[:40], details={"field": field})
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(CoreError.MONEY_MALFORMED, field=field, value=value,
                           details={"field": field}) from None
    if not amount.is_finite():
        raise InvalidInput(CoreError.MONEY_MALFORMED, field=field, value=value, details={"field": field})
    if abs(amount) >= MAX_AMOUNT:
        raise InvalidInput(CoreError.MONEY_TOO_LARGE, field=field, value=value,
                           details={"field": field})
    if amount != amount.quantize(MINOR_UNIT, rounding=ROUND_DOWN):
        raise InvalidInput(CoreError.MONEY_TOO_PRECISE, field=field, value=value, digits=MINOR_DIGITS,
                           details={"field": field})
    if amount < 0 and not allow_negative:
        raise InvalidInput(CoreError.MONEY_NEGATIVE, field=field, details={"field": field})
    return amount.quantize(MINOR_UNIT)


def to_minor(amount: Decimal) -> int:
    """Exact conversion of an amount to integer minor units (分); raises if it is not exact."""
    minor = amount * _MINOR_PER_MAJOR
    if minor != minor.to_integral_value():
        raise InvalidInput(CoreError.MONEY_TOO_PRECISE, field="amount", value=amount, digits=MINOR_DIGITS)
    return int(minor)


def from_minor(minor: int) -> Decimal:
    """Integer minor units back to an amount with exactly two places."""
    return (Decimal(int(minor)) / _MINOR_PER_MAJOR).quantize(MINOR_UNIT)


def round_down(amount: Decimal) -> Decimal:
    """Round down (toward zero) to the minor unit: what rounding leaves stays with the platform."""
    return amount.quantize(MINOR_UNIT, rounding=ROUND_DOWN)


def percent_of(amount: Decimal, rate: Decimal) -> Decimal:
    """``rate × amount`` rounded down to the minor unit (rate is a fraction: 0.05 = 5%)."""
    return round_down(amount * rate)
