"""The community's desk lists (imported at start-up by ``tuishou.core``: an export job finds them by name)."""

from tuishou.community.inspections_listings import TaskListing  # noqa: F401 (验货: /ops/inspections/)
