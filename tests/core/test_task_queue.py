"""``core.task_queue``: with the database queue a task asked for in a transaction is a row of that transaction,
and the tasks asked for together are one row whose calls run each on its own; with any other queue the enqueue
waits for the commit, as before."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from tuishou.core.task_queue import calls_run, task_after_commit, tasks_folded

pytestmark = pytest.mark.django_db
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
ran: list[tuple[str, int]] = []


@task()
def remember(n: int) -> int:
    ran.append(("remember", n))
    return n * 2


@task()
def refuse(n: int) -> None:
    ran.append(("refuse", n))
    raise ValueError(f"refused {n}")


@task(priority=5)
def urgent(n: int) -> None:
    ran.append(("urgent", n))


@pytest.fixture(autouse=True)
def _forget():
    ran.clear()


def _rows() -> list[tuple[str, dict]]:
    return [(r.task_path, r.args_kwargs["kwargs"]) for r in DBTaskResult.objects.order_by("enqueued_at")]


def test_with_the_database_queue_the_row_is_written_in_the_transaction_and_rolls_back_with_it(settings):
    settings.TASKS = DATABASE_QUEUE
    with pytest.raises(RuntimeError), transaction.atomic():
        task_after_commit(remember, n=1)
        assert _rows() == [(f"{__name__}.remember", {"n": 1})]
        raise RuntimeError
    assert _rows() == []


def test_tasks_asked_for_together_are_one_row_and_a_lone_or_different_task_keeps_its_own(settings):
    settings.TASKS = DATABASE_QUEUE
    with transaction.atomic():
        with tasks_folded():
            task_after_commit(remember, n=1)
            with tasks_folded():  # nested: the outermost folds
                task_after_commit(remember, n=2)
            task_after_commit(urgent, n=3)  # another priority: not folded
        with tasks_folded():
            task_after_commit(remember, n=4)  # alone: its own row, as before
    assert sorted(_rows(), key=str) == sorted([
        ("tuishou.core.task_queue.calls_run", {"calls": [[f"{__name__}.remember", {"n": 1}],
                                                         [f"{__name__}.remember", {"n": 2}]]}),
        (f"{__name__}.urgent", {"n": 3}), (f"{__name__}.remember", {"n": 4})], key=str)
    assert ran == []


def test_a_block_that_raises_asks_for_nothing(settings):
    settings.TASKS = DATABASE_QUEUE
    with transaction.atomic(), pytest.raises(RuntimeError), tasks_folded():
        task_after_commit(remember, n=1)
        raise RuntimeError
    assert _rows() == []


def test_with_the_immediate_queue_the_tasks_run_after_the_commit_and_not_after_a_rollback(after_commit):
    with after_commit(), transaction.atomic():
        with tasks_folded():
            task_after_commit(remember, n=1)
            task_after_commit(remember, n=2)
        assert ran == []
    assert ran == [("remember", 1), ("remember", 2)]
    with after_commit(), pytest.raises(RuntimeError), transaction.atomic():
        task_after_commit(remember, n=3)
        raise RuntimeError
    assert ran == [("remember", 1), ("remember", 2)]
    assert not DBTaskResult.objects.exists()


def test_a_folded_call_that_raises_stops_none_of_the_others_and_fails_the_row():
    calls = [[f"{__name__}.remember", {"n": 1}], [f"{__name__}.refuse", {"n": 2}], [f"{__name__}.remember", {"n": 3}]]
    with pytest.raises(ValueError, match="refused 2"):
        calls_run.call(calls=calls)
    assert ran == [("remember", 1), ("refuse", 2), ("remember", 3)]
    assert calls_run.call(calls=[calls[0], calls[2]]) == [2, 6]
