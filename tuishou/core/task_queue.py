"""Background tasks a transaction asks for, run only if it commits: as rows of the transaction itself where the
queue is the database.

``task_after_commit(task, **kwargs)`` is what a handler inside a transaction calls instead of
``transaction.on_commit(partial(task.enqueue, ...))``. With django-tasks' database backend (production) the
task's row is inserted at once, in the caller's transaction: the worker cannot see it before the commit and it
is gone after a rollback — a transactional outbox, so the row needs no commit of its own (an ``on_commit``
enqueue is one more INSERT and one more commit, a WAL flush, after every paying transaction). With any other
backend (the immediate one of the tests, the dummy one) the enqueue waits for the commit as before.

``tasks_folded()`` goes further for a burst of tasks asked for together (the handlers of one ``order.paid``:
the risk check, the notification, the batched accrual's trigger): inside it the calls are collected, and at its
end, in the transaction, they become ONE row of ``calls_run``, which the worker runs as each task would have
run, in the order asked, each on its own (one that raises does not stop the others; the row fails, with the
first error, once all have run). Nothing is folded where the enqueue waits for the commit, nor a task with its
own queue, priority or start time: those rows are written as ``task_after_commit`` writes them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend

log = logging.getLogger(__name__)
_local = threading.local()  # the calls collected by the innermost open ``tasks_folded`` of this thread


def in_transaction_rows(task_: Task) -> bool:
    """Whether ``task_``'s enqueue writes a row of the current transaction (the database backend)."""
    return isinstance(task_.get_backend(), DatabaseBackend)


def task_after_commit(task_: Task, **kwargs: Any) -> None:
    """Have ``task_(**kwargs)`` run once the current transaction commits, and never if it rolls back."""
    folded = getattr(_local, "calls", None)
    if folded is not None:
        folded.append((task_, kwargs))
        return
    _enqueue(task_, kwargs)


def _enqueue(task_: Task, kwargs: dict[str, Any]) -> None:
    if in_transaction_rows(task_):
        task_.enqueue(**kwargs)  # a row of this transaction: visible to the worker at its commit, gone on rollback
    else:
        transaction.on_commit(partial(task_.enqueue, **kwargs), robust=True)


@contextmanager
def tasks_folded() -> Iterator[None]:
    """Fold the tasks asked for inside into one ``calls_run`` row (see the module). Nested: the outermost folds.
    If the block raises, what it asked for is dropped, as its transaction's rollback would drop it."""
    if getattr(_local, "calls", None) is not None:
        yield
        return
    _local.calls = calls = []
    try:
        yield
    finally:
        _local.calls = None
    fold = [(t, kw) for t, kw in calls if _foldable(t)]
    rest = [(t, kw) for t, kw in calls if not _foldable(t)]
    if len(fold) > 1:
        calls_run.enqueue(calls=[[t.module_path, kw] for t, kw in fold])
    else:
        rest = calls  # one task alone keeps its own row
    for t, kw in rest:
        _enqueue(t, kw)


def _foldable(task_: Task) -> bool:
    return (in_transaction_rows(task_) and task_.backend == calls_run.backend
            and task_.queue_name == calls_run.queue_name and task_.priority == calls_run.priority
            and task_.run_after is None and not task_.takes_context)


@task()
def calls_run(calls: list[list]) -> list:
    """Run folded task calls (``[task path, kwargs]``) in order, each as the worker would run its own row;
    answers their results. One that raises is logged and the others still run; then the first error is raised
    again, so the row shows as failed."""
    results, failure = [], None
    for path, kwargs in calls:
        try:
            results.append(import_string(path).call(**kwargs))
        except Exception as exc:  # each call stands alone, as its own row would
            log.exception("folded task %s(%s) failed", path, kwargs)
            results.append(None)
            failure = failure or exc
    if failure is not None:
        raise failure
    return results
