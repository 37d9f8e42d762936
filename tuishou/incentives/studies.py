"""Simulations and backtests of a plan version, run in the background with a progress bar (方案推演 / 回测).

``plan_simulation_start`` / ``plan_backtest_start`` check who asks and what, store a ``PlanStudy`` and start
its background job (``tuishou.core.jobs``: queued → running → done or failed, with the progress bar the page
polls). The job's body is ``plan_study_run``: a plain function of the study id and a progress callback (per
cent done), which computes the report and keeps it on the study.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tuishou.core.errors import InvalidInput
from tuishou.core.jobs import job_start
from tuishou.incentives.backtest import backtest_run, backtest_window
from tuishou.incentives.errors import IncentiveError
from tuishou.incentives.models import PlanStudy, PlanVersion
from tuishou.incentives.selectors import engine_plan, plan_editor_check
from tuishou.incentives.simulation.runner import SimulationParams, build_world, run_plan
from tuishou.incentives.simulation.summary import build_summary
from tuishou.risk.services import audit_record

JOB_KIND = "incentives.plan_study"
K = PlanStudy.Kind
TITLES = {K.SIMULATION: _("Simulation"), K.BACKTEST: _("Backtest")}
SIMULATION_DEFAULTS = {"promoters": 2000, "months": 12, "seed": 1}
MIN_PROMOTERS, MAX_PROMOTERS, MAX_MONTHS = 50, 20_000, 24


def plan_simulation_start(*, actor, version: PlanVersion, promoters: int | None = None, months: int | None = None,
                          seed: int | None = None) -> PlanStudy:
    """Start a simulation of ``version`` on a synthetic community (agency staff of its community, or ops).
    Sizes outside the limits are ``incentives.simulation_size`` (field ``promoters``); nothing is written."""
    plan_editor_check(actor=actor, community=version.community)
    params = {"promoters": SIMULATION_DEFAULTS["promoters"] if promoters is None else promoters,
              "months": SIMULATION_DEFAULTS["months"] if months is None else months,
              "seed": SIMULATION_DEFAULTS["seed"] if seed is None else seed}
    if not (MIN_PROMOTERS <= params["promoters"] <= MAX_PROMOTERS and 1 <= params["months"] <= MAX_MONTHS):
        raise InvalidInput(IncentiveError.SIMULATION_SIZE, min_promoters=MIN_PROMOTERS, max_promoters=MAX_PROMOTERS,
                           max_months=MAX_MONTHS, details={"field": "promoters"})
    return _start(actor=actor, version=version, kind=K.SIMULATION, params=params)


def plan_backtest_start(*, actor, version: PlanVersion, first: date | None = None,
                        last: date | None = None) -> PlanStudy:
    """Start a backtest of ``version`` on its community's orders of the window (default: the last 3 months)."""
    plan_editor_check(actor=actor, community=version.community)
    window = backtest_window(first=first, last=last)
    return _start(actor=actor, version=version, kind=K.BACKTEST, params=window.as_params())


def _start(*, actor, version: PlanVersion, kind: str, params: dict) -> PlanStudy:
    with transaction.atomic():
        study = PlanStudy.objects.create(version=version, kind=kind, params=params, created_by=actor)
        study.job = job_start(JOB_KIND, owner=actor, title=TITLES[kind], study_id=study.pk)
        PlanStudy.objects.filter(pk=study.pk).update(job=study.job)
        audit_record(actor=actor, action=f"incentives.{kind}_started", target=study,
                     data={"version": version.pk, **params})
    return study


def plan_study_run(*, study_id: int, on_progress: Callable[[int], None] | None = None) -> PlanStudy:
    """Compute the study's report and keep it (the job's body); a study that has its report is left alone.
    A ``DomainError`` (a window no longer valid) propagates: the job fails with its message."""
    study = PlanStudy.objects.select_related("version__community").get(pk=study_id)
    if study.report is not None:
        return study
    progress = on_progress or (lambda percent: None)
    plan = engine_plan(study.version)
    if study.kind == K.SIMULATION:
        params = SimulationParams(promoters=study.params["promoters"], months=study.params["months"],
                                  seed=study.params["seed"])
        world = build_world(params)
        progress(10)
        result = run_plan(plan, world, on_month=lambda m: progress(10 + 85 * (m + 1) // params.months))
        report = build_summary(result)
    else:
        window = backtest_window(first=date.fromisoformat(study.params["start"]),
                                 last=date.fromisoformat(study.params["end"]))
        report = backtest_run(version=study.version, window=window, on_progress=progress)
    PlanStudy.objects.filter(pk=study.pk).update(report=report)
    study.report = report
    return study
