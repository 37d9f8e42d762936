"""Background tasks of the materials marketplace (a module of its own: other community work adds ``tasks.py``)."""

from django_tasks import task

from tuishou.community.materials_scores import material_scores_refresh


@task()
def materials_scores_refresh() -> int:
    """Nightly: recompute the stored ranking scores from the events themselves, repairing what no event reported
    (an order cancelled after payment, a row changed by hand). Returns the rows written."""
    return material_scores_refresh()
