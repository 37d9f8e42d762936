"""Background tasks for wallets: starting an approved withdrawal's payout, and the payout sandbox's callbacks."""

from django_tasks import task


@task()
def withdrawal_payout_submit(withdrawal_id: int) -> str:
    """Send an approved withdrawal to its payout provider; answers the withdrawal's status afterwards."""
    from tuishou.wallets.services import withdrawal_payout_submit as submit

    return submit(withdrawal_id=withdrawal_id).status


@task()
def sandbox_payout_callbacks_deliver() -> int:
    """The payout sandbox sends the callbacks that are due; answers how many it tried."""
    from tuishou.wallets.sandbox import sandbox_payout_callbacks_deliver_due

    return len(sandbox_payout_callbacks_deliver_due())
