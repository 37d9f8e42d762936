"""Error codes of settlement and the message a person reads for each (pure Python: no Django import)."""

from tuishou.core.errors import ErrorCode
from tuishou.core.errors import gettext_noop as _


class SettlementError(ErrorCode):
    """Codes of settlement: periods, commissions and merchant shares (``settlement.*``)."""

    NOT_ACCRUED = "settlement.not_accrued", _("Order {order_number} was never booked as paid.")
    MONTHS_INVALID = "settlement.months_invalid", _("A statement list covers 1 to {most} months, not {months}.")
    PERIOD_MALFORMED = "settlement.period_malformed", _("A period is a calendar month like 2026-10, not {period!r}.")
    PERIOD_OPEN = "settlement.period_open", _("{period} has not ended yet; settle it once it has.")
    STATEMENT_RANGE = "settlement.statement_range", _(
        "A statement runs from a first day to a last day on or after it, at most 366 days.")
    STATE = "settlement.state", _("A {kind} that is {status} cannot become {to}.")
    TRANSITION_INVALID = "settlement.transition_invalid", _("This {kind} cannot go from {status} to {to}.")
