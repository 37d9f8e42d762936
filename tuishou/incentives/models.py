"""Incentive plans inside the platform: versions per community, and the volume facts ranks are measured on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuishou.core.fields import MoneyField
from tuishou.core.transitions import StatusChange


class PlanVersion(models.Model):
    """One version of a community's incentive plan (利益机制).

    A draft can be edited and replaced; an agency proposes its draft to the operators (``proposed``: frozen
    until an operator publishes it or sends it back to draft with a reason); publishing assigns the next
    version number, runs the compliance check (an error finding blocks it) and retires the version in
    force. A published or retired version
    never changes: orders record (plan_key, version) and commissions are recomputed from it years later.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("PlanVersion.Status", "Draft")
        PROPOSED = "proposed", pgettext_lazy("PlanVersion.Status", "Proposed to the operators")
        PUBLISHED = "published", pgettext_lazy("PlanVersion.Status", "Published (in force)")
        RETIRED = "retired", pgettext_lazy("PlanVersion.Status", "Retired")

    community = models.ForeignKey("network.Community", verbose_name=_("community"),
                                  on_delete=models.PROTECT, related_name="plan_versions")
    plan_key = models.CharField(verbose_name=_("plan key"), max_length=64, help_text="The plan document's id.")
    name = models.CharField(verbose_name=_("name"), max_length=200)
    version = models.PositiveIntegerField(verbose_name=_("version"),
                                          null=True, blank=True, help_text="Assigned on publish.")
    status = models.CharField(verbose_name=_("status"),
                              max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    document = models.JSONField(verbose_name=_("document"), help_text="The validated plan, as the engine dumps it.")
    source = models.TextField(verbose_name=_("source"), help_text="The YAML or JSON text it was imported from.")
    jurisdiction = models.CharField(verbose_name=_("jurisdiction"), max_length=16)
    findings = models.JSONField(verbose_name=_("findings"),
                                default=list, blank=True, help_text="Compliance findings of the last check.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"),
                                     null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    published_at = models.DateTimeField(verbose_name=_("published at"), null=True, blank=True)
    retired_at = models.DateTimeField(verbose_name=_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["community_id", "-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "plan_key", "version"], name="plan_version_unique",
                                    condition=Q(version__isnull=False)),
            models.UniqueConstraint(fields=["community"], condition=Q(status="published"),
                                    name="plan_one_in_force_per_community"),
            models.CheckConstraint(condition=Q(status__in=["draft", "proposed"])
                                   | Q(version__isnull=False, published_at__isnull=False),
                                   name="plan_published_has_version"),
        ]
        indexes = [models.Index(fields=["community", "published_at"], name="plan_in_force_idx")]

    def __str__(self) -> str:
        label = f"v{self.version}" if self.version else "draft"
        return f"{self.plan_key} {label} ({self.community})"

    @property
    def error_count(self) -> int:
        return sum(1 for f in self.findings if f.get("severity") == "error")

    @property
    def editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_draft(self) -> bool:
        """Not yet published: a draft, or a draft proposed to the operators (the engine reads its document)."""
        return self.status in (self.Status.DRAFT, self.Status.PROPOSED)


class PlanVersionStatusChange(StatusChange):
    """One publication or retirement of a plan version (history, append-only): who and why."""

    plan_version = models.ForeignKey(PlanVersion, verbose_name=_("plan version"),
                                     on_delete=models.PROTECT, related_name="status_changes")

    class Meta(StatusChange.Meta):
        verbose_name = _("plan version status change")
        verbose_name_plural = _("plan version status changes")
        ordering = ["plan_version_id", "id"]


# The reasons the publishing services write in a version's history, stored as written (in English, like every
# status change's reason); ``readable.plan_history`` shows them in the reader's language.
REASON_PUBLISHED = "published"
REASON_PROPOSAL_PUBLISHED = "proposal published"
REASON_REPLACED = "replaced by draft #{draft}"


class VolumeEntry(models.Model):
    """A sale's contribution to the volume metrics (业绩) that ranks and activity are measured on.

    Written when an order is paid (positive base, one order) and when it is refunded (negative base;
    ``orders = -1`` when the whole order is refunded). ``source_ref`` makes each write idempotent.
    """

    promoter = models.ForeignKey("network.Promoter", verbose_name=_("promoter"),
                                 on_delete=models.PROTECT, related_name="volume_entries",
                                 help_text="The promoter credited with the sale (p0).")
    self_purchase = models.BooleanField(verbose_name=_("self purchase"),
                                        default=False, help_text="The credited promoter bought it (自购).")
    base = MoneyField(verbose_name=_("base"), help_text="Commission base B of the sale (negative for a refund).")
    orders = models.SmallIntegerField(verbose_name=_("orders"), default=1)
    occurred_at = models.DateTimeField(verbose_name=_("occurred at"))
    source_ref = models.CharField(verbose_name=_("source ref"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("volume entry")
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["promoter", "occurred_at"], name="volume_promoter_time_idx"),
                   models.Index(fields=["occurred_at"], name="volume_time_idx")]
        verbose_name_plural = _("volume entries")

    def __str__(self) -> str:
        return f"{self.source_ref}: {self.base}"


class RankEvaluationRun(models.Model):
    """One periodic evaluation of a community's ranks (what ran, when, what changed)."""

    community = models.ForeignKey("network.Community", verbose_name=_("community"),
                                  on_delete=models.PROTECT, related_name="+")
    plan_version = models.ForeignKey(PlanVersion, verbose_name=_("plan version"),
                                     on_delete=models.PROTECT, related_name="+")
    evaluated_at = models.DateTimeField(verbose_name=_("evaluated at"), help_text="End of every trailing window.")
    promoters = models.PositiveIntegerField(verbose_name=_("promoters"), default=0)
    promoted = models.PositiveIntegerField(verbose_name=_("promoted"), default=0)
    demoted = models.PositiveIntegerField(verbose_name=_("demoted"), default=0)
    started_at = models.DateTimeField(verbose_name=_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(verbose_name=_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rank evaluation run")
        verbose_name_plural = _("rank evaluation runs")
        ordering = ["-evaluated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.community} @ {self.evaluated_at:%Y-%m-%d %H:%M}"


class PlanStudy(models.Model):
    """A simulation or a backtest of a plan version (方案推演 / 回测): what was asked, the job that does it, its report.

    The work runs as a background job (``tuishou.core.jobs``: its status and progress bar); the finished
    figures are kept here, beside the version, so that the agency's staff and the operators all read the same
    report later, whoever started it.
    """

    class Kind(models.TextChoices):
        SIMULATION = "simulation", pgettext_lazy("PlanStudy.Kind", "Simulation")
        BACKTEST = "backtest", pgettext_lazy("PlanStudy.Kind", "Backtest")

    version = models.ForeignKey(PlanVersion, verbose_name=_("version"),
                                on_delete=models.CASCADE, related_name="studies")
    kind = models.CharField(verbose_name=_("kind"), max_length=16, choices=Kind.choices)
    params = models.JSONField(verbose_name=_("params"),
                              default=dict, blank=True, help_text="What was asked: sizes and seed, or the window.")
    job = models.OneToOneField("core.Job", verbose_name=_("job"),
                               null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    report = models.JSONField(verbose_name=_("report"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan study")
        ordering = ["-id"]
        indexes = [models.Index(fields=["version", "kind", "-id"], name="plan_study_version_idx")]
        verbose_name_plural = _("plan studies")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} of {self.version_id}"

    @property
    def state(self) -> str:
        """done when the report is in; else the job's status (queued, running, failed)."""
        if self.report is not None:
            return "done"
        return self.job.status if self.job_id else "failed"
