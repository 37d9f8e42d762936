"""Error codes of merchants and the message a person reads for each (pure Python: no Django import)."""

from tuishou.core.errors import ErrorCode
from tuishou.core.errors import gettext_noop as _


class MerchantError(ErrorCode):
    """Codes of merchants, their applications and staff (``merchants.*``)."""

    FIELD_UNKNOWN = "merchants.field_unknown", _("Not an editable merchant field: {fields}.")
    ALREADY_ACTIVE = "merchants.already_active", _("This merchant is not suspended.")
    ALREADY_SUSPENDED = "merchants.already_suspended", _("This merchant is already suspended.")
    APPLICATION_ALREADY_REVIEWED = "merchants.application_already_reviewed", _("This application was already {status}.")
    APPLICATION_PENDING = "merchants.application_pending", _("You already have an application waiting for review.")
    APPLICATION_UNKNOWN = "merchants.application_unknown", _("There is no merchant application {application_id}.")
    CONTACT_PHONE_INVALID = "merchants.contact_phone_invalid", _("{raw!r} is not a mobile phone number.")
    CREDIT_CODE_INVALID = "merchants.credit_code_invalid", _(
        "{raw!r} is not a valid unified social credit code (统一社会信用代码).")
    CREDIT_CODE_TAKEN = "merchants.credit_code_taken", _("A merchant with this credit code already exists.")
    FEE_RATE_MALFORMED = "merchants.fee_rate_malformed", _(
        '{field}: {value!r} is not a rate; give a decimal string such as "0.0500", with at most four '
        "places.")
    FEE_RATE_OUT_OF_RANGE = "merchants.fee_rate_out_of_range", _("{field}: {value} is outside 0–1 (0.05 means 5%).")
    FIELD_REQUIRED = "merchants.field_required", _("{field} is required.")
    FIELD_TOO_LONG = "merchants.field_too_long", _("{field} is longer than {max_length} characters.")
    LAST_OWNER = "merchants.last_owner", _("A merchant keeps at least one owner.")
    MERCHANT_SUSPENDED = "merchants.merchant_suspended", _("This merchant is suspended.")
    MERCHANT_UNKNOWN = "merchants.merchant_unknown", _("There is no merchant {merchant_id}.")
    NOT_OWNER = "merchants.not_owner", _("Only the merchant's owner may do this.")
    NOT_STAFF = "merchants.not_staff", _("You do not work for this merchant.")
    STAFF_EXISTS = "merchants.staff_exists", _("This person already works for the merchant.")
    STAFF_ROLE_UNKNOWN = "merchants.staff_role_unknown", _("Unknown staff role {role!r}.")
    STAFF_UNKNOWN = "merchants.staff_unknown", _("This person does not work for the merchant.")
    TRANSITION_INVALID = "merchants.transition_invalid", _("This {kind} cannot go from {status} to {to}.")
    USER_UNKNOWN = "merchants.user_unknown", _("Nobody is registered with this phone number.")
