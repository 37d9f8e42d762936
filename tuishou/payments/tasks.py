"""Background tasks for payments: submitting refunds to the gateway and the sandbox's callback deliveries."""

from django_tasks import task


@task()
def refund_submit(refund_id: int) -> str:
    """Send a requested refund to its gateway; answers the refund's status afterwards."""
    from tuishou.payments.services import refund_submit as submit

    return submit(refund_id=refund_id).status


@task()
def sandbox_callbacks_deliver() -> int:
    """The sandbox gateway sends the callbacks that are due; answers how many it tried."""
    from tuishou.payments.sandbox import sandbox_callbacks_deliver_due

    return len(sandbox_callbacks_deliver_due())
