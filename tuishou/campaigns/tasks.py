"""Periodic job of campaigns (see ``TUISHOU_SCHEDULE``); idempotent, so overlapping runs are harmless."""

from django_tasks import task

from tuishou.campaigns.services import campaigns_finish


@task()
def finish_campaigns() -> int:
    """Mark launched campaigns whose window is over as ended (pricing reads the window and needs no job)."""
    return campaigns_finish()
