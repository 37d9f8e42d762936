"""Periodic jobs of settlement (see ``TUISHOU_SCHEDULE``); both are idempotent, so overlapping runs are harmless."""

from django_tasks import task

from tuishou.settlement.periods import period_settle, previous_period
from tuishou.settlement.settle import settlement_run


@task()
def settle_due() -> dict:
    """Move every due pending commission to available and every due merchant share to the merchant's payable."""
    summary = settlement_run()
    return {"commissions": summary.commissions, "receivables": summary.receivables, "stamped": summary.stamped}


@task()
def settle_previous_period() -> int:
    """Book last month's period rules (team volume, pools) for every community; return how many were booked."""
    return len(period_settle(period=previous_period()))
