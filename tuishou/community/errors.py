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
    REPORTS_NONE_OPEN = "community.reports_none_open", _(
        "This material has no open report to dismiss: someone may have decided on it already.")
    TRANSITION_INVALID = "community.transition_invalid", _("This {kind} cannot go from {status} to {to}.")
    RANKING_UNKNOWN = "community.ranking_unknown", _("{order!r} is not a ranking; choose one of {orders}.")
    REWARD_PERIOD_UNKNOWN = "community.reward_period_unknown", _("There is no such reward period.")
    REWARD_TITLE_INVALID = "community.reward_title_invalid", _("Give the period a title: 1 to {maximum} characters.")
    REWARD_DATES_INVALID = "community.reward_dates_invalid", _(
        "A period starts on or before its last day and lasts at most {days} days.")
    REWARD_POOL_INVALID = "community.reward_pool_invalid", _(
        "The pool is an amount from 0.01 to {maximum} yuan, to the fen.")
    REWARD_CAP_INVALID = "community.reward_cap_invalid", _(
        "The cap per author is a share of the pool above 0 and at most 1 (0.3 is 30%).")
    REWARD_MIN_RATING_INVALID = "community.reward_min_rating_invalid", _(
        "The minimum average rating is a number from 0 to 5.")
    REWARD_MIN_RATINGS_INVALID = "community.reward_min_ratings_invalid", _(
        "The minimum number of ratings is a whole number from 0 to {maximum}.")
    REWARD_COMMUNITY_UNKNOWN = "community.reward_community_unknown", _("There is no such community.")
    REWARD_PERIOD_OVERLAP = "community.reward_period_overlap", _(
        "Another reward period of the same scope already covers these days ({title}).")
    REWARD_PERIOD_NOT_ENDED = "community.reward_period_not_ended", _(
        "This period ends on {ends_on}: it can be settled from the next day.")
    REWARD_PERIOD_NOT_FUNDED = "community.reward_period_not_funded", _(
        "Fund the pool before settling the period.")
    REWARD_PERIOD_SETTLED = "community.reward_period_settled", _(
        "This period has already been paid: a period is paid exactly once.")

from tuishou.community.inspections_errors import InspectionError  # noqa: E402,F401 (the inspected zone's codes)
