"""Background checks of risk flags: each runs the rules that watch one fact once its transaction committed, and
the nightly sweep runs them all again (see ``TUISHOU_SCHEDULE``). All are idempotent: a flag grows, never doubles."""

from django.utils.dateparse import parse_datetime
from django_tasks import task

from tuishou.risk import flags as services


@task()
def check_order_paid(order_id: int) -> list[int]:
    """New-account clusters, shared destinations and the self-purchase ratio, for a paid order."""
    return [flag.pk for flag in services.risk_order_paid_check(order_id=order_id)]


@task()
def check_order_refunded(order_id: int, refunded_at: str) -> int | None:
    """Refund right after settlement, for a refund of ``order_id`` at ``refunded_at`` (ISO 8601)."""
    flag = services.risk_order_refunded_check(order_id=order_id, refunded_at=parse_datetime(refunded_at))
    return flag.pk if flag else None


@task()
def check_signup(promoter_id: int) -> int | None:
    """Sign-up velocity under the new promoter's sponsor."""
    flag = services.risk_signup_check(promoter_id=promoter_id)
    return flag.pk if flag else None


@task()
def sweep() -> int:
    """Every rule again over the last day."""
    return services.risk_sweep()
