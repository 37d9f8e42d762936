"""Error codes of the reports and the message a person reads for each (pure Python: no Django import)."""

from tuishou.core.errors import ErrorCode
from tuishou.core.errors import gettext_noop as _


class ReportError(ErrorCode):
    """Codes of the operator's dashboard and reports (``reports.*``)."""

    DATE_INVALID = "reports.date_invalid", _("Give the date as YYYY-MM-DD.")
    RANGE_REVERSED = "reports.range_reversed", _("The start date {start} is after the end date {end}.")
    RANGE_TOO_LONG = "reports.range_too_long", _("Choose at most {days} days (this range has {asked}).")
    UNKNOWN_COMMUNITY = "reports.unknown_community", _("There is no community {community!r}.")
    UNKNOWN_MERCHANT = "reports.unknown_merchant", _("There is no merchant #{merchant}.")
