"""Error codes of the community and the message a person reads for each (pure Python: no Django import)."""

from tuishou.core.errors import ErrorCode
from tuishou.core.errors import gettext_noop as _


class CommunityError(ErrorCode):
    """Codes of the community: leaderboards, materials, inspections, campaigns (``community.*``)."""

    BOARD_UNKNOWN = "community.board_unknown", _("There is no leaderboard called {board!r}; choose one of {boards}.")
    PERIOD_UNKNOWN = "community.period_unknown", _("{period!r} is not a period; choose one of {periods}.")
