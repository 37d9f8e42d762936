"""Merchants (商家 / 供应商): applications and their review, merchants, their staff, the fee policy."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuishou.core.transitions import StatusChange

RATE_FIELD = {"max_digits": 5, "decimal_places": 4}  # a fraction 0.0000–1.0000, exact on both databases


class MerchantApplication(models.Model):
    """A business applying to supply goods (入驻申请); an operator approves or rejects it once."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("MerchantApplication.Status", "Submitted")
        APPROVED = "approved", pgettext_lazy("MerchantApplication.Status", "Approved")
        REJECTED = "rejected", pgettext_lazy("MerchantApplication.Status", "Rejected")

    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.PROTECT,
                                  related_name="merchant_applications")
    business_name = models.CharField(verbose_name=_("business name"), max_length=120)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, db_index=True,
                                   help_text="统一社会信用代码, 18 characters with a check character.")
    legal_representative = models.CharField(verbose_name=_("legal representative"), max_length=60)
    contact_phone = models.CharField(verbose_name=_("contact phone"), max_length=20)
    category = models.CharField(verbose_name=_("category"),
                                max_length=60, db_index=True, help_text="Main category of goods, e.g. 生鲜.")
    description = models.TextField(verbose_name=_("description"), blank=True)
    status = models.CharField(verbose_name=_("status"),
                              max_length=16, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    reject_reason = models.TextField(verbose_name=_("reject reason"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(verbose_name=_("reviewed at"), null=True, blank=True)
    merchant = models.OneToOneField("Merchant", verbose_name=_("merchant"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="application", help_text="The merchant approval created.")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("merchant application")
        verbose_name_plural = _("merchant applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""), name="merchant_application_reject_reason"),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(merchant__isnull=False),
                name="merchant_application_approved_merchant"),
        ]

    def __str__(self) -> str:
        return f"{self.business_name} ({self.get_status_display()})"


class Merchant(models.Model):
    """An approved supplier. ``fee_rate`` is the platform's fee as a fraction of the paid amount (平台服务费率)."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("Merchant.Status", "Active")
        SUSPENDED = "suspended", pgettext_lazy("Merchant.Status", "Suspended")

    name = models.CharField(verbose_name=_("name"), max_length=120, db_index=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    legal_representative = models.CharField(verbose_name=_("legal representative"), max_length=60)
    contact_phone = models.CharField(verbose_name=_("contact phone"), max_length=20)
    category = models.CharField(verbose_name=_("category"), max_length=60, db_index=True)
    description = models.TextField(verbose_name=_("description"), blank=True)
    status = models.CharField(verbose_name=_("status"),
                              max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    suspend_reason = models.TextField(verbose_name=_("suspend reason"), blank=True)
    fee_rate = models.DecimalField(verbose_name=_("fee rate"), **RATE_FIELD,
                                   help_text="Platform fee as a fraction of the paid amount: 0.0500 = 5%.")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(fee_rate__gte=0) & Q(fee_rate__lte=1), name="merchant_fee_rate_range"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class MerchantStatusChange(StatusChange):
    """One suspension or reactivation of a merchant (history, append-only): who and why."""

    merchant = models.ForeignKey(Merchant, verbose_name=_("merchant"),
                                 on_delete=models.PROTECT, related_name="status_changes")

    class Meta(StatusChange.Meta):
        verbose_name = _("merchant status change")
        verbose_name_plural = _("merchant status changes")
        ordering = ["merchant_id", "id"]


class MerchantStaff(models.Model):
    """A person who acts for a merchant: its owner (who applied) or staff the owner added."""

    class Role(models.TextChoices):
        OWNER = "owner", pgettext_lazy("MerchantStaff.Role", "Owner")
        STAFF = "staff", pgettext_lazy("MerchantStaff.Role", "Staff")

    merchant = models.ForeignKey(Merchant, verbose_name=_("merchant"), on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.CASCADE, related_name="merchant_memberships")
    role = models.CharField(verbose_name=_("role"), max_length=16, choices=Role.choices, default=Role.STAFF)
    added_at = models.DateTimeField(verbose_name=_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("merchant staff")
        ordering = ["merchant_id", "id"]
        verbose_name_plural = _("merchant staff")
        constraints = [models.UniqueConstraint(fields=["merchant", "user"], name="merchant_staff_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.merchant} ({self.get_role_display()})"


class MerchantPolicy(models.Model):
    """Operator-editable platform defaults for merchants; a single row (pk 1)."""

    default_fee_rate = models.DecimalField(verbose_name=_("default fee rate"), **RATE_FIELD,
                                           help_text="Fee rate given to newly approved merchants: 0.0500 = 5%.")
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("merchant policy")
        verbose_name_plural = _("merchant policy")
        constraints = [
            models.CheckConstraint(condition=Q(default_fee_rate__gte=0) & Q(default_fee_rate__lte=1),
                                   name="merchant_policy_fee_rate_range"),
        ]

    def __str__(self) -> str:
        return f"Merchant policy (default fee rate {self.default_fee_rate})"
