"""The inspected zone's tables (验货区): checklists per product category, each community's inspection settings,
inspection tasks an operator opens for a product, and the reports inspectors file (photos, the checklist
answered item by item, a verdict).

A product earns the inspected badge (``catalog.Product.inspected``) from accepted passing reports of distinct
inspectors — as many as the inspectors' community asks — with no failing report waiting for an operator's
review; the rule itself is ``tuishou.community.inspections.inspection_badge_evaluate``.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuishou.core.fields import MoneyField

DEFAULT_PASSES = 3
DEFAULT_REWARD = Decimal("5.00")


class InspectionChecklist(models.Model):
    """The checklist for one product category; the one with an empty category is the default for the rest."""

    category = models.CharField(verbose_name=_("category"), max_length=60, blank=True, unique=True,
                                help_text="Empty: the default checklist, for categories without their own.")
    name = models.CharField(verbose_name=_("name"), max_length=60)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("inspection checklist")
        verbose_name_plural = _("inspection checklists")
        ordering = ["category", "id"]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    """One point to check (包装完好, 与详情页一致 …). Retired items stay for the reports that answered them."""

    checklist = models.ForeignKey(InspectionChecklist, verbose_name=_("checklist"), on_delete=models.CASCADE,
                                  related_name="items")
    label = models.CharField(verbose_name=_("label"), max_length=100)
    position = models.PositiveSmallIntegerField(verbose_name=_("position"), default=0)
    active = models.BooleanField(verbose_name=_("active"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class InspectionSettings(models.Model):
    """A community's rules for the inspected zone; a community without a row uses the defaults."""

    community = models.OneToOneField("network.Community", verbose_name=_("community"), on_delete=models.CASCADE,
                                     related_name="inspection_settings")
    inspector_rank = models.CharField(verbose_name=_("lowest inspector rank"), max_length=32, blank=True,
                                      help_text="Rank id of the plan in force; empty: every promoter may inspect.")
    passes_required = models.PositiveSmallIntegerField(verbose_name=_("passing reports required"),
                                                       default=DEFAULT_PASSES)
    reward = MoneyField(verbose_name=_("reward per accepted report"), default=DEFAULT_REWARD)
    all_zones_rank = models.CharField(
        verbose_name=_("lowest rank that sees every zone"), max_length=32, blank=True,
        help_text="Promoters below this rank see and pick only inspected goods; empty: everyone sees everything.")
    updated_at = models.DateTimeField(verbose_name=_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("inspection settings")
        verbose_name_plural = _("inspection settings")
        constraints = [
            models.CheckConstraint(condition=Q(passes_required__gte=1, passes_required__lte=20),
                                   name="inspection_passes_range"),
            models.CheckConstraint(condition=Q(reward__gte=0), name="inspection_reward_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.community_id}: {self.passes_required} × {self.reward}"


class InspectionTask(models.Model):
    """An operator asks a community's inspectors to inspect a product before a due date."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("inspection task", "Open")
        CLOSED = "closed", pgettext_lazy("inspection task", "Closed")

    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="inspection_tasks")
    community = models.ForeignKey("network.Community", verbose_name=_("community"), on_delete=models.PROTECT,
                                  related_name="inspection_tasks")
    note = models.CharField(verbose_name=_("note"), max_length=200, blank=True)
    status = models.CharField(verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    due_at = models.DateTimeField(verbose_name=_("due at"))
    opened_by = models.ForeignKey("accounts.User", verbose_name=_("opened by"), on_delete=models.PROTECT,
                                  related_name="+")
    created_at = models.DateTimeField(verbose_name=_("created at"), default=timezone.now)
    closed_at = models.DateTimeField(verbose_name=_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inspection task")
        verbose_name_plural = _("inspection tasks")
        constraints = [models.UniqueConstraint(fields=["product", "community"], condition=Q(status="open"),
                                               name="inspection_task_one_open")]
        indexes = [models.Index(fields=["community", "status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.product_id} @ {self.community_id} ({self.status})"


class InspectionReport(models.Model):
    """One inspector's report on a task: photos, answers, a verdict; an operator accepts (paid) or rejects it,
    and reviews a failing one (dismissed, or upheld: the badge goes and the product leaves the shelf)."""

    class Verdict(models.TextChoices):
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("inspection report", "Submitted")
        ACCEPTED = "accepted", pgettext_lazy("inspection report", "Accepted")
        REJECTED = "rejected", pgettext_lazy("inspection report", "Rejected")

    class Review(models.TextChoices):
        NONE = "", _("Not needed")
        OPEN = "open", _("Waiting for review")
        DISMISSED = "dismissed", _("Failure dismissed")
        UPHELD = "upheld", _("Failure upheld")

    task = models.ForeignKey(InspectionTask, verbose_name=_("inspection task"), on_delete=models.PROTECT,
                             related_name="reports")
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="inspection_reports")
    inspector = models.ForeignKey("network.Promoter", verbose_name=_("inspector"), on_delete=models.PROTECT,
                                  related_name="inspection_reports")
    verdict = models.CharField(verbose_name=_("verdict"), max_length=4, choices=Verdict.choices)
    reasons = models.TextField(verbose_name=_("reasons"), max_length=1000, blank=True)
    status = models.CharField(verbose_name=_("status"), max_length=10, choices=Status.choices,
                              default=Status.SUBMITTED)
    decided_by = models.ForeignKey("accounts.User", verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(verbose_name=_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(verbose_name=_("decision reason"), max_length=200, blank=True)
    reward = MoneyField(verbose_name=_("reward paid"), null=True, blank=True)
    review = models.CharField(verbose_name=_("failure review"), max_length=10, choices=Review.choices, blank=True,
                              default=Review.NONE)
    reviewed_by = models.ForeignKey("accounts.User", verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(verbose_name=_("reviewed at"), null=True, blank=True)
    review_reason = models.CharField(verbose_name=_("review reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("inspection report")
        verbose_name_plural = _("inspection reports")
        constraints = [
            models.UniqueConstraint(fields=["task", "inspector"], name="inspection_report_one_per_inspector"),
            models.CheckConstraint(condition=Q(verdict="pass") | ~Q(reasons=""), name="inspection_fail_reasons"),
        ]
        indexes = [models.Index(fields=["product", "verdict", "status"]), models.Index(fields=["review"]),
                   models.Index(fields=["inspector", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.inspector_id} → {self.product_id}: {self.verdict} ({self.status})"


class InspectionPhoto(models.Model):
    report = models.ForeignKey(InspectionReport, verbose_name=_("inspection report"), on_delete=models.CASCADE,
                               related_name="photos")
    image = models.ImageField(verbose_name=_("image"), upload_to="inspections/%Y/%m/")
    position = models.PositiveSmallIntegerField(verbose_name=_("position"), default=0)

    class Meta:
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} #{self.position}"


class InspectionAnswer(models.Model):
    """One checklist item as the inspector answered it; the label is kept as it read then."""

    report = models.ForeignKey(InspectionReport, verbose_name=_("inspection report"), on_delete=models.CASCADE,
                               related_name="answers")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("checklist item"), on_delete=models.PROTECT,
                             related_name="answers")
    label = models.CharField(verbose_name=_("label"), max_length=100)
    ok = models.BooleanField(verbose_name=_("as expected"))
    note = models.CharField(verbose_name=_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("inspection answer")
        verbose_name_plural = _("inspection answers")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["report", "item"], name="inspection_answer_one_per_item")]

    def __str__(self) -> str:
        return f"{self.label}: {'✓' if self.ok else '✗'}"
