"""Error codes of the community and the message a person reads for each (pure Python: no Django import)."""

from tuishou.core.errors import ErrorCode
from tuishou.core.errors import gettext_noop as _


class CommunityError(ErrorCode):
    """Codes of the community: leaderboards, materials, inspections, campaigns (``community.*``)."""

    BOARD_UNKNOWN = "community.board_unknown", _("There is no leaderboard called {board!r}; choose one of {boards}.")
    PERIOD_UNKNOWN = "community.period_unknown", _("{period!r} is not a period; choose one of {periods}.")
    MATERIAL_UNKNOWN = "community.material_unknown", _("There is no such material.")
    MATERIAL_HIDDEN = "community.material_hidden", _("This material was taken down and can no longer be reused.")
    MATERIAL_OWN = "community.material_own", _("This material is your own: share it from your store instead.")
    TEXT_INVALID = "community.text_invalid", _("Write the selling text: 1 to {maximum} characters.")
    IMAGES_TOO_MANY = "community.images_too_many", _("At most {maximum} images per material.")
    IMAGE_INVALID = "community.image_invalid", _("{name} is not a JPEG, PNG or WebP image under {megabytes} MB.")
    VIDEO_URL_INVALID = "community.video_url_invalid", _("The video link must be an http(s) address.")
    CHANNEL_UNKNOWN = "community.channel_unknown", _("{channel!r} is not a sharing channel.")
    RATING_OWN = "community.rating_own", _("You cannot rate your own material.")
    RATING_INVALID = "community.rating_invalid", _("A rating is a whole number from 1 to 5.")
    REASON_INVALID = "community.reason_invalid", _("Give a reason: 1 to {maximum} characters.")
    REPORT_OPEN = "community.report_open", _("You have already reported this material; an operator will look at it.")
    TRANSITION_INVALID = "community.transition_invalid", _("This {kind} cannot go from {status} to {to}.")
    RANKING_UNKNOWN = "community.ranking_unknown", _("{order!r} is not a ranking; choose one of {orders}.")

from tuishou.community.inspections_errors import InspectionError  # noqa: E402,F401 (the inspected zone's codes)
