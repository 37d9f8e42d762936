"""People and their roles: users, operator staff roles and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class User(AbstractUser):
    """A person who can sign in, by phone number or username.

    Being a promoter, merchant staff or agency staff is a row in that domain's app (a ``Promoter``,
    a ``MerchantStaff``, a ``CommunityStaff``); operator staff hold ``OperatorRole`` rows. A user with
    none of them is a consumer (消费者).
    """

    phone = models.CharField(verbose_name=_("phone"), max_length=20, unique=True, null=True, blank=True,
                             help_text="Mainland mobile number, digits only; used to sign in.")
    display_name = models.CharField(verbose_name=_("display name"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["id"]
        # Usernames are unique whatever their case, and the sign-up check (``username__iexact``) reads this
        # index on PostgreSQL instead of scanning every user.
        constraints = [models.UniqueConstraint(Upper("username"), name="user_username_upper_unique")]

    def __str__(self) -> str:
        return self.display_name or self.username


class OperatorRole(models.Model):
    """A platform staff role held by a user (平台运营 / 财务 / 客服 / 风控)."""

    class Role(models.TextChoices):
        ADMIN = "admin", pgettext_lazy("OperatorRole.Role", "Administrator")
        OPS = "ops", pgettext_lazy("OperatorRole.Role", "Operations")
        FINANCE = "finance", pgettext_lazy("OperatorRole.Role", "Finance")
        CUSTOMER_SERVICE = "customer_service", pgettext_lazy("OperatorRole.Role", "Customer service")
        RISK = "risk", pgettext_lazy("OperatorRole.Role", "Risk")

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="operator_roles")
    role = models.CharField(verbose_name=_("role"), max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(verbose_name=_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("operator role")
        verbose_name_plural = _("operator roles")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="operator_role_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class ApiToken(models.Model):
    """A bearer token for app clients. Only a SHA-256 digest of the secret is stored."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(verbose_name=_("digest"), max_length=64, unique=True)
    prefix = models.CharField(verbose_name=_("prefix"),
                              max_length=8, help_text="First characters of the token, to recognise it.")
    label = models.CharField(verbose_name=_("label"), max_length=60, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(verbose_name=_("expires at"), db_index=True)
    last_used_at = models.DateTimeField(verbose_name=_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(verbose_name=_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("api token")
        verbose_name_plural = _("api tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


from tuishou.accounts.models_sms import SandboxSms  # noqa: E402,F401  (the SMS sandbox's record)
