"""The commission base B of an order line from a SKU's commission setting (pure Python: no Django).

The orders issue snapshots this onto each order line; the incentive plan then pays its rates × B
(see spec/incentive-plans.md, "Terms").
"""

from __future__ import annotations

from decimal import Decimal

from tuishou.catalog.errors import CatalogError
from tuishou.core.errors import InvalidInput
from tuishou.core.money import round_down

PERCENT = "percent"
FIXED = "fixed"


class CommissionSettingError(InvalidInput):
    """A commission setting or order line that cannot give a commission base (``catalog.commission_setting_invalid``).

    Services validate settings before they are stored, so this means a programming error; the problem is said in
    English for the developer.
    """

    def __init__(self, problem: str) -> None:
        super().__init__(CatalogError.COMMISSION_SETTING_INVALID, problem=problem)


def commission_base(mode: str, rate: Decimal | None, amount: Decimal | None, *,
                    paid_amount: Decimal, quantity: int) -> Decimal:
    """B for one order line (佣金基数), rounded down to 0.01.

    ``percent``: ``rate × paid_amount`` (the rate is a fraction 0–1 of what the buyer paid for the line).
    ``fixed``: ``amount × quantity``, never above ``paid_amount`` (a discount cannot make B exceed the sale).
    """
    if not isinstance(paid_amount, Decimal) or not paid_amount.is_finite() or paid_amount < 0:
        raise CommissionSettingError(f"paid_amount must be a non-negative Decimal, not {paid_amount!r}")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise CommissionSettingError(f"quantity must be a positive integer, not {quantity!r}")
    if mode == PERCENT:
        if not isinstance(rate, Decimal) or not rate.is_finite() or not 0 <= rate <= 1:
            raise CommissionSettingError(f"a percent setting needs a Decimal rate in 0–1, not {rate!r}")
        return round_down(paid_amount * rate)
    if mode == FIXED:
        if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
            raise CommissionSettingError(f"a fixed setting needs a non-negative Decimal amount, not {amount!r}")
        return round_down(min(amount * quantity, paid_amount))
    raise CommissionSettingError(f"unknown commission mode {mode!r}")

