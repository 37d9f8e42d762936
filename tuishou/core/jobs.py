"""Background jobs with a progress bar: long work started from a page (simulations, backtests, large exports).

A kind of job is a function registered by name::

    @job_kind("incentives.simulate")
    def simulate(job: JobRun, *, draft_id: int) -> dict:
        for i, chunk in enumerate(chunks):
            ...
            job.progress(i + 1, len(chunks), note=_("Pricing orders"))
        return {"report": ...}          # stored in Job.result (JSON)

and started by a service (which checks permissions first)::

    job = job_start("incentives.simulate", owner=user, title=_("Simulation"), draft_id=draft.pk)

``job_start`` writes the row and enqueues the runner after the transaction commits (django-tasks: the database
backend's worker in production, run at once in tests). The runner moves the job queued → running → done, or
failed with the ``DomainError``'s code and message when the work raises one (any other exception fails it with
``core.job_failed`` and is re-raised so the worker logs it). A job may write a file with ``job.save_file`` —
its owner downloads it from ``/jobs/<id>/file``.

Pages show a job with ``{% include "components/ui.html#job" with job=job %}``: a progress bar that polls
``/jobs/<id>/`` (htmx) every second until the job has finished, then shows ``done_url`` (the report) or the
file's download link. Only the job's owner can see it (anyone else: 404).

Kinds are registered at import time: put them in your app's ``jobs`` module — core's app config imports every
app's ``jobs`` module at start-up, so the worker knows them all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django_tasks import task

from tuishou.core.errors import CoreError, DomainError, NotFound
from tuishou.core.models import Job
from tuishou.core.transitions import Pipeline, pipeline_register, transition_apply

log = logging.getLogger(__name__)
S = Job.Status

JOB = pipeline_register(Pipeline(
    model=Job,
    moves={S.QUEUED: frozenset({S.RUNNING, S.FAILED}), S.RUNNING: frozenset({S.DONE, S.FAILED}),
           S.DONE: frozenset(), S.FAILED: frozenset()},
    stamps={S.RUNNING: "started_at", S.DONE: "finished_at", S.FAILED: "finished_at"}))

JOB_KINDS: dict[str, Callable[..., Any]] = {}


def job_kind(name: str):
    """Register the decorated function as the job kind ``name``: ``fn(job: JobRun, **params) -> JSON | None``."""
    def register(fn):
        JOB_KINDS[name] = fn
        return fn
    return register


class JobRun:
    """What a running job's function gets: progress reporting and file writing."""

    def __init__(self, job: Job) -> None:
        self.job = job

    @property
    def params(self) -> dict:
        return self.job.params

    @property
    def owner(self):
        return self.job.owner

    def progress(self, done: int, total: int | None = None, *, note: str = "") -> None:
        """Record how far the work is (written at once, outside any transaction the work holds open)."""
        fields = {"done": max(0, int(done))}
        if total is not None:
            fields["total"] = max(0, int(total))
        if note:
            fields["note"] = str(note)[:200]
        Job.objects.filter(pk=self.job.pk).update(**fields)
        for key, value in fields.items():
            setattr(self.job, key, value)

    def save_file(self, name: str, content: bytes) -> str:
        """Store ``content`` as this job's file (under ``jobs/<id>/``); answer the stored name."""
        stored = default_storage.save(f"jobs/{self.job.pk}/{name}", ContentFile(content))
        Job.objects.filter(pk=self.job.pk).update(file=stored)
        self.job.file = stored
        return stored


def job_start(kind: str, *, owner, title: str = "", **params) -> Job:
    """Write a queued job of ``kind`` for ``owner`` and run it after the current transaction commits."""
    if kind not in JOB_KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(kind=kind, owner=owner, title=str(title)[:200], params=params)
    transaction.on_commit(partial(job_run.enqueue, job_id=job.pk), robust=True)
    return job


def job_execute(job_id: int) -> Job:
    """Run the job now, in this process (what the task does; tests and the command line may call it)."""
    job = Job.objects.select_related("owner").get(pk=job_id)
    if job.status != S.QUEUED:
        return job  # a duplicated delivery: the first run owns it
    job = transition_apply(job, to=S.RUNNING)
    run = JobRun(job)
    try:
        result = JOB_KINDS[job.kind](run, **job.params)
    except DomainError as exc:
        from tuishou.core import i18n

        transition_apply(job, to=S.FAILED, changes={"error_code": str(exc.code),
                                                     "error_message": i18n.error_message(exc)[:2000]})
    except Exception:
        transition_apply(job, to=S.FAILED, changes={"error_code": str(CoreError.JOB_FAILED)})
        log.exception("job %s (%s) failed", job.pk, job.kind)
        raise
    else:
        transition_apply(job, to=S.DONE, changes={"result": result, "done": max(run.job.done, run.job.total)})
    job.refresh_from_db()
    return job


@task()
def job_run(job_id: int) -> None:
    """The worker's side of ``job_start``."""
    job_execute(job_id)


def job_get(*, user, job_id: int) -> Job:
    """The job ``job_id`` if ``user`` started it; anyone else's or a missing one: ``core.job_not_found``."""
    job = Job.objects.filter(pk=job_id, owner_id=getattr(user, "pk", None)).first()
    if job is None:
        raise NotFound(CoreError.JOB_NOT_FOUND, job_id=job_id)
    return job

