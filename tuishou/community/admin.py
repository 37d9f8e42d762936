"""The community in the back office (read only: operators act through their desk pages)."""

from tuishou.community import admin_inspections  # noqa: F401 (验货: tasks, reports, checklists, settings)
