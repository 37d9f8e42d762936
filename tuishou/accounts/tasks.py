"""Background tasks for accounts."""

from django_tasks import task

from tuishou.accounts.services import api_tokens_purge_expired


@task()
def purge_expired_tokens() -> int:
    """Daily: drop API tokens long expired or revoked."""
    return api_tokens_purge_expired()
