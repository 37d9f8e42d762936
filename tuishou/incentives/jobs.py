"""Background job kinds of incentive plans (``tuishou.core.jobs``): a simulation or a backtest of a plan version."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tuishou.core.jobs import JobRun, job_kind
from tuishou.incentives.studies import JOB_KIND, plan_study_run


@job_kind(JOB_KIND)
def plan_study(job: JobRun, *, study_id: int) -> dict:
    """Run one study, reporting per cent done to the job's progress bar."""
    def progress(percent: int) -> None:
        if percent != job.job.done:
            job.progress(percent, 100, note=_("Pricing orders") if percent < 90 else _("Adding up"))

    study = plan_study_run(study_id=study_id, on_progress=progress)
    return {"study_id": study.pk}
