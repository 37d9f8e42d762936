"""Rates given as fractions (0.0500 = 5%) with four places (pure Python: no Django)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from tuishou.core.errors import InvalidInput

RATE_PLACES = Decimal("0.0001")


def parse_rate(value: object, *, field: str, code: str) -> Decimal:
    """Parse a fraction between 0 and 1 with at most four places, from a string, int or Decimal.

    Raises ``InvalidInput`` with ``<code>_malformed`` (not a number, a float, more than four places) or
    ``<code>_out_of_range`` (below 0 or above 1), naming ``field``.
    """
    details = {"field": field}
    if isinstance(value, (bool, float)) or value is None:
        raise InvalidInput(f"{code}_malformed", f"{field}: give rates as decimal strings such as \"0.0500\"",
                           details=details)
    try:
        rate = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{code}_malformed", f"{field}: {value!r} is not a rate", details=details) from None
    if not rate.is_finite():
        raise InvalidInput(f"{code}_malformed", f"{field}: {value!r} is not a rate", details=details)
    if rate < 0 or rate > 1:  # checked before quantize, which fails on huge exponents
        raise InvalidInput(f"{code}_out_of_range", f"{field}: {value} is outside 0–1 (0.05 means 5%)",
                           details=details)
    if rate != rate.quantize(RATE_PLACES, rounding="ROUND_DOWN"):
        raise InvalidInput(f"{code}_malformed", f"{field}: {value} has more than four decimal places",
                           details=details)
    return rate.quantize(RATE_PLACES)
