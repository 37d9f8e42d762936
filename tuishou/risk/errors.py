"""Error codes of risk flags and rules and the message a person reads for each (pure Python: no Django import)."""

from tuishou.core.errors import ErrorCode
from tuishou.core.errors import gettext_noop as _


class RiskError(ErrorCode):
    """Codes of the risk queue and its rules (``risk.*``)."""

    FLAG_NOT_FOUND = "risk.flag_not_found", _("There is no risk flag {flag_id}.")
    FLAG_DECIDED = "risk.flag_decided", _("This flag was already decided ({status}); a decision is final.")
    REASON_REQUIRED = "risk.reason_required", _("Give the reason for your decision.")
    REASON_TOO_LONG = "risk.reason_too_long", _("A reason is at most {limit} characters.")
    REASON_INVALID = "risk.reason_invalid", _("A reason cannot contain control or text-direction characters.")
    RULE_NOT_FOUND = "risk.rule_not_found", _("There is no risk rule {code}.")
    PARAM_UNKNOWN = "risk.param_unknown", _("Rule {code} has no threshold {name}.")
    PARAM_INVALID = "risk.param_invalid", _("{label} must be a number from {minimum} to {maximum}.")
    TRANSITION_INVALID = "risk.transition_invalid", _("This {kind} cannot go from {status} to {to}.")
