"""Error codes of the message centre and the message a person reads for each (pure Python: no Django import)."""

from tuishou.core.errors import ErrorCode
from tuishou.core.errors import gettext_noop as _


class NotificationError(ErrorCode):
    """Codes of messages and announcements (``notifications.*``)."""

    ANNOUNCEMENT_UNKNOWN = "notifications.announcement_unknown", _("There is no such announcement.")
    BODY_INVALID = "notifications.body_invalid", _("Write a text of 1 to {maximum} characters.")
    FORBIDDEN = "notifications.forbidden", _(
        "Only operators, or an agency's staff for their own community, may publish announcements.")
    MESSAGE_UNKNOWN = "notifications.message_unknown", _("There is no such message.")
    TITLE_INVALID = "notifications.title_invalid", _("Write a title of 1 to {maximum} characters.")
