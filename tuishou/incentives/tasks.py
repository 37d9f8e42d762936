"""Background tasks for incentive plans."""

from django_tasks import task

from tuishou.incentives.evaluation import ranks_evaluate_all


@task()
def evaluate_ranks() -> list[dict]:
    """Nightly: evaluate every community's ranks and activity under its plan in force."""
    return [summary.__dict__ for summary in ranks_evaluate_all()]
