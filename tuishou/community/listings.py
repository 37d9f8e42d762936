"""The community's desk lists (imported at start-up by ``tuishou.core``: an export job finds them by name)."""

from tuishou.community.inspections_listings import TaskListing  # noqa: F401 (验货: /ops/inspections/)
from tuishou.community.listings_moderation import MaterialModerationListing  # noqa: F401 (素材审核: /ops/materials/)
