"""People and their roles: users, operator staff roles and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Upper


class User(AbstractUser):
    """A person who can sign in, by phone number or username.

    Being a promoter, merchant staff or agency staff is a row in that domain's app (a ``Promoter``,
    a ``MerchantStaff``, a ``CommunityStaff``); operator staff hold ``OperatorRole`` rows. A user with
    none of them is a consumer (消费者).
    """

    phone = models.CharField(max_length=20, unique=True, null=True, blank=True,
                             help_text="Mainland mobile number, digits only; used to sign in.")
    display_name = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["id"]
        # Usernames are unique whatever their case, and the sign-up check (``username__iexact``) reads this
        # index on PostgreSQL instead of scanning every user.
        constraints = [models.UniqueConstraint(Upper("username"), name="user_username_upper_unique")]

    def __str__(self) -> str:
        return self.display_name or self.username


class OperatorRole(models.Model):
    """A platform staff role held by a user (平台运营 / 财务 / 客服 / 风控)."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Administrator"
        OPS = "ops", "Operations"
        FINANCE = "finance", "Finance"
        CUSTOMER_SERVICE = "customer_service", "Customer service"
        RISK = "risk", "Risk"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="operator_roles")
    role = models.CharField(max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="operator_role_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class ApiToken(models.Model):
    """A bearer token for app clients. Only a SHA-256 digest of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="First characters of the token, to recognise it.")
    label = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
