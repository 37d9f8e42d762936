"""Rates given as fractions (0.0500 = 5%) with four places (pure Python: no Django)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from tuishou.core.errors import ErrorCode, InvalidInput

RATE_PLACES = Decimal("0.0001")


def parse_rate(value: object, *, field: str, malformed: ErrorCode, out_of_range: ErrorCode) -> Decimal:
    """Parse a fraction between 0 and 1 with at most four places, from a string, int or Decimal.

    Raises ``InvalidInput`` with ``malformed`` (not a number, a float, more than four places) or
    ``out_of_range`` (below 0 or above 1), naming ``field``; both codes' templates take ``field`` and ``value``.
    """
    details = {"field": field}
    if isinstance(value, (bool, float)) or value is None:
        raise InvalidInput(malformed, field=field, value=value, details=details)
    try:
        rate = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(malformed, field=field, value=value, details=details) from None
    if not rate.is_finite():
        raise InvalidInput(malformed, field=field, value=value, details=details)
    if rate < 0 or rate > 1:  # checked before quantize, which fails on huge exponents
        raise InvalidInput(out_of_range, field=field, value=value, details=details)
    if rate != rate.quantize(RATE_PLACES, rounding="ROUND_DOWN"):
        raise InvalidInput(malformed, field=field, value=value, details=details)
    return rate.quantize(RATE_PLACES)
