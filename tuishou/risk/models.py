"""Risk: the audit log of operator actions, and the risk flags (风控) operators review, with the rules raising them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditEntry(models.Model):
    """One operator (or system) action, append-only: who did what to which record, and why."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"),
                              null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", help_text="Empty for actions the system took by itself.")
    action = models.CharField(verbose_name=_("action"),
                              max_length=64, db_index=True, help_text="Dotted verb, e.g. network.sponsor_corrected")
    target_type = models.CharField(verbose_name=_("target type"), max_length=64)
    target_id = models.CharField(verbose_name=_("target id"), max_length=64)
    reason = models.TextField(verbose_name=_("reason"), blank=True)
    data = models.JSONField(verbose_name=_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}#{self.target_id}"


class RiskRule(models.Model):
    """An operator's thresholds for one detection rule (风控规则), by the rule's stable code.

    A rule without a row runs with its declared defaults (``tuishou.risk.rules``); ``params`` holds only the
    thresholds an operator changed, validated against the rule's declared bounds when saved.
    """

    code = models.CharField(verbose_name=_("code"), max_length=40, unique=True)
    enabled = models.BooleanField(verbose_name=_("enabled"), default=True)
    params = models.JSONField(verbose_name=_("thresholds"), default=dict, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("risk rule")
        verbose_name_plural = _("risk rules")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class RiskFlag(models.Model):
    """A suspicion an operator reviews (风控标记): one rule fired on one subject (a share link, a promoter, a
    delivery phone or address), with the orders and accounts behind it.

    While open, the commissions of its orders are held (settlement does not settle them); cleared, they settle
    at the next run; rejected, they are reversed through the ledger. At most one OPEN flag per (rule, subject).
    """

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("RiskFlag.Status", "Open")
        CLEARED = "cleared", pgettext_lazy("RiskFlag.Status", "Cleared")
        REJECTED = "rejected", pgettext_lazy("RiskFlag.Status", "Rejected")

    rule = models.CharField(verbose_name=_("rule"), max_length=40, db_index=True)
    subject_key = models.CharField(verbose_name=_("subject"), max_length=120,
                                   help_text="What the rule fired on, e.g. link:12, promoter:5, phone:<digest>.")
    subject_label = models.CharField(verbose_name=_("subject label"), max_length=200, blank=True,
                                     help_text="What an operator reads (phones and addresses masked).")
    community = models.ForeignKey("network.Community", verbose_name=_("community"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    promoter = models.ForeignKey("network.Promoter", verbose_name=_("promoter"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+",
                                 help_text="The promoter the flag concerns (the link's owner, the sponsor, …).")
    status = models.CharField(verbose_name=_("status"), max_length=16, choices=Status.choices,
                              default=Status.OPEN, db_index=True)
    evidence = models.JSONField(verbose_name=_("evidence"), default=dict, blank=True,
                                help_text="The figures the rule saw and the thresholds it applied.")
    account_ids = models.JSONField(verbose_name=_("accounts"), default=list, blank=True,
                                   help_text="Ids of the user accounts concerned.")
    orders = models.ManyToManyField("orders.Order", verbose_name=_("orders"), through="RiskFlagOrder",
                                    related_name="+")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)
    decided_at = models.DateTimeField(verbose_name=_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(verbose_name=_("reason"), blank=True)

    class Meta:
        verbose_name = _("risk flag")
        verbose_name_plural = _("risk flags")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["rule", "subject_key"], condition=models.Q(status="open"),
                                               name="risk_flag_one_open_per_rule_subject")]
        indexes = [models.Index(fields=["status", "-created_at"], name="risk_flag_status_idx")]

    def __str__(self) -> str:
        return f"{self.rule} {self.subject_key} ({self.status})"


class RiskFlagOrder(models.Model):
    """An order behind a flag: its commissions are held while the flag is open."""

    flag = models.ForeignKey(RiskFlag, verbose_name=_("risk flag"), on_delete=models.PROTECT,
                             related_name="flag_orders")
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(verbose_name=_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("flagged order")
        verbose_name_plural = _("flagged orders")
        constraints = [models.UniqueConstraint(fields=["flag", "order"], name="risk_flag_order_once")]
        indexes = [models.Index(fields=["order", "flag"], name="risk_flag_order_idx")]

    def __str__(self) -> str:
        return f"flag {self.flag_id} · order {self.order_id}"
