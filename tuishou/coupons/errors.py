"""Error codes of coupon goods and the message a person reads for each (pure Python: no Django import)."""

from tuishou.core.errors import ErrorCode
from tuishou.core.errors import gettext_noop as _


class CouponError(ErrorCode):
    """Codes of coupon goods: feeds, picks, tracking links, order reports (``coupons.*``)."""

    CONNECTOR_UNKNOWN = "coupons.connector_unknown", _("There is no coupon platform connector called {name!r}.")
    ITEM_UNKNOWN = "coupons.item_unknown", _("There is no such coupon item, or it has expired.")
    PICK_EXISTS = "coupons.pick_exists", _("This coupon item is already in your store.")
    PICK_UNKNOWN = "coupons.pick_unknown", _("This coupon item is not in your store.")
    CODE_UNKNOWN = "coupons.code_unknown", _("There is no such coupon link.")
    FILE_MISSING = "coupons.file_missing", _("Choose a file to upload.")
    FILE_TOO_LARGE = "coupons.file_too_large", _("The file is larger than {megabytes} MB.")
    FILE_UNREADABLE = "coupons.file_unreadable", _("The file cannot be read: {reason}")
    HEADER_INVALID = "coupons.header_invalid", _("The file's header lacks the columns {columns}.")
    FEED_EMPTY = "coupons.feed_empty", _("The feed holds no item.")
    IMPORT_UNKNOWN = "coupons.import_unknown", _("There is no such import.")
    DATES_INVALID = "coupons.dates_invalid", _("The date range is not valid: {reason}")
    TRANSITION_INVALID = "coupons.transition_invalid", _("This {kind} cannot go from {status} to {to}.")
