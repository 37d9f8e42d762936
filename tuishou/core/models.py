"""Core's one table: background jobs with progress (``tuishou.core.jobs`` runs them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """One piece of long work a person started from a page (a simulation, a backtest, a large export).

    The runner (a django-tasks task) moves it queued → running → done or failed and writes ``done``/``total``
    as it goes; the page that started it polls ``/jobs/<id>/`` for a progress bar. ``result`` holds what the
    work answered (JSON), ``file`` the name of a file it wrote in the default storage (a CSV export).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(verbose_name=_("kind"),
                            max_length=40, help_text="The registered job kind (tuishou.core.jobs.job_kind).")
    title = models.CharField(verbose_name=_("title"), max_length=200, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"),
                              null=True, blank=True, on_delete=models.CASCADE,
                              related_name="jobs")
    status = models.CharField(verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    params = models.JSONField(verbose_name=_("params"), default=dict, blank=True)
    done = models.PositiveBigIntegerField(verbose_name=_("done"), default=0)
    total = models.PositiveBigIntegerField(verbose_name=_("total"), default=0)
    note = models.CharField(verbose_name=_("note"), max_length=200, blank=True, help_text="What the job is doing now.")
    result = models.JSONField(verbose_name=_("result"), null=True, blank=True)
    file = models.CharField(verbose_name=_("file"), max_length=200, blank=True)
    error_code = models.CharField(verbose_name=_("error code"), max_length=60, blank=True)
    error_message = models.TextField(verbose_name=_("error message"), blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), default=timezone.now)
    started_at = models.DateTimeField(verbose_name=_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(verbose_name=_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name_plural = _("background jobs")
        verbose_name = _("background job")
        indexes = [models.Index(fields=["owner", "-created_at"]), models.Index(fields=["kind", "status"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, int(self.done * 100 / self.total)) if self.total else 0
