"""Simulations and backtests of a plan version, run in the background with a progress bar (方案推演 / 回测).

``plan_simulation_start`` / ``plan_backtest_start`` check who asks and what, store a queued ``PlanStudy`` and
schedule ``plan_study_run`` after commit; the runner moves the study to running, does the work with a progress
callback (``study_progress`` writes the per cent the page polls), stores the report and moves it to done — or
to failed with the error, so a page never waits for ever. The runner is a plain function taking the study id
and an optional progress callback: the background task below is only its envelope.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from django.db import transaction
from django_tasks import task

from tuishou.core.errors import DomainError, InvalidInput
from tuishou.core.transitions import transition_apply
from tuishou.incentives.backtest import backtest_run, backtest_window
from tuishou.incentives.errors import IncentiveError
from tuishou.incentives.models import PlanStudy, PlanVersion
from tuishou.incentives.selectors import engine_plan, plan_editor_check
from tuishou.incentives.simulation.runner import SimulationParams, build_world, run_plan
from tuishou.incentives.simulation.summary import build_summary
from tuishou.risk.services import audit_record

log = logging.getLogger(__name__)

K, S = PlanStudy.Kind, PlanStudy.Status
SIMULATION_DEFAULTS = {"promoters": 2000, "months": 12, "seed": 1}
MIN_PROMOTERS, MAX_PROMOTERS, MAX_MONTHS = 50, 20_000, 24


def plan_simulation_start(*, actor, version: PlanVersion, promoters: int | None = None, months: int | None = None,
                          seed: int | None = None) -> PlanStudy:
    """Queue a simulation of ``version`` on a synthetic community (agency staff of its community, or ops).
    Sizes outside the limits are ``incentives.simulation_size`` (field ``promoters``); nothing is written."""
    plan_editor_check(actor=actor, community=version.community)
    params = {"promoters": SIMULATION_DEFAULTS["promoters"] if promoters is None else promoters,
              "months": SIMULATION_DEFAULTS["months"] if months is None else months,
              "seed": SIMULATION_DEFAULTS["seed"] if seed is None else seed}
    if not (MIN_PROMOTERS <= params["promoters"] <= MAX_PROMOTERS and 1 <= params["months"] <= MAX_MONTHS):
        raise InvalidInput(IncentiveError.SIMULATION_SIZE, min_promoters=MIN_PROMOTERS, max_promoters=MAX_PROMOTERS,
                           max_months=MAX_MONTHS, details={"field": "promoters"})
    return _queue(actor=actor, version=version, kind=K.SIMULATION, params=params)


def plan_backtest_start(*, actor, version: PlanVersion, first: date | None = None,
                        last: date | None = None) -> PlanStudy:
    """Queue a backtest of ``version`` on its community's orders of the window (default: the last 3 months)."""
    plan_editor_check(actor=actor, community=version.community)
    window = backtest_window(first=first, last=last)
    return _queue(actor=actor, version=version, kind=K.BACKTEST, params=window.as_params())


def _queue(*, actor, version: PlanVersion, kind: str, params: dict) -> PlanStudy:
    with transaction.atomic():
        study = PlanStudy.objects.create(version=version, kind=kind, params=params, created_by=actor)
        audit_record(actor=actor, action=f"incentives.{kind}_started", target=study,
                     data={"version": version.pk, **params})
        transaction.on_commit(lambda: plan_study_task.enqueue(study.pk))
    return study


def study_progress(study_id: int) -> Callable[[int], None]:
    """A progress callback writing the per cent done (only when it moves: one UPDATE per step, not per call)."""
    last = [-1]

    def report(percent: int) -> None:
        percent = max(0, min(100, int(percent)))
        if percent != last[0]:
            last[0] = percent
            PlanStudy.objects.filter(pk=study_id).update(progress=percent)

    return report


def plan_study_run(*, study_id: int, on_progress: Callable[[int], None] | None = None) -> PlanStudy:
    """Run a queued study to its report (the background job's body); a study that is not queued is left alone."""
    study = PlanStudy.objects.select_related("version__community").get(pk=study_id)
    if study.status != S.QUEUED:
        return study
    transition_apply(study, to=S.RUNNING)
    progress = on_progress or study_progress(study.pk)
    try:
        report = _work(study, progress)
    except DomainError as exc:
        transition_apply(study, to=S.FAILED, changes={"error": exc.message[:2000]})
        return study
    except Exception as exc:  # a bug must not leave the page's progress bar waiting for ever
        log.exception("plan study %s failed", study.pk)
        transition_apply(study, to=S.FAILED, changes={"error": f"{type(exc).__name__}: {exc}"[:2000]})
        return study
    transition_apply(study, to=S.DONE, changes={"report": report, "progress": 100})
    return study


def _work(study: PlanStudy, progress: Callable[[int], None]) -> dict:
    plan = engine_plan(study.version)
    if study.kind == K.SIMULATION:
        params = SimulationParams(promoters=study.params["promoters"], months=study.params["months"],
                                  seed=study.params["seed"])
        world = build_world(params)
        progress(10)
        result = run_plan(plan, world, on_month=lambda m: progress(10 + 85 * (m + 1) // params.months))
        return build_summary(result)
    window = backtest_window(first=date.fromisoformat(study.params["start"]),
                             last=date.fromisoformat(study.params["end"]))
    return backtest_run(version=study.version, window=window, on_progress=progress)


@task()
def plan_study_task(study_id: int) -> str:
    """Background: run one simulation or backtest."""
    return plan_study_run(study_id=study_id).status
