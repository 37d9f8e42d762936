"""Reads for merchants."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet

from tuishou.core.errors import NotFound, PermissionDenied
from tuishou.merchants.errors import MerchantError
from tuishou.merchants.models import Merchant, MerchantApplication, MerchantPolicy, MerchantStaff


def default_fee_rate() -> Decimal:
    """The fee rate a newly approved merchant gets: the operator's policy, else the settings default."""
    policy = MerchantPolicy.objects.filter(pk=1).first()
    if policy is not None:
        return policy.default_fee_rate
    return Decimal(settings.TUISHOU["DEFAULT_PLATFORM_FEE_RATE"]).quantize(Decimal("0.0001"))


def merchant_get(*, merchant_id: int) -> Merchant:
    """A merchant by id; ``merchants.merchant_unknown`` (404) if there is none."""
    merchant = Merchant.objects.filter(pk=merchant_id).first()
    if merchant is None:
        raise NotFound(MerchantError.MERCHANT_UNKNOWN, merchant_id=merchant_id,
                       details={"merchant_id": merchant_id})
    return merchant


def merchant_staff_role(*, user, merchant_id: int) -> str | None:
    """The user's role at the merchant (``owner``/``staff``), or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return (MerchantStaff.objects.filter(user=user, merchant_id=merchant_id)
            .values_list("role", flat=True).first())


def require_merchant_staff(*, user, merchant_id: int, owner: bool = False) -> Merchant:
    """The merchant, if ``user`` works for it (as its owner when ``owner``); else raise.

    Raises ``merchants.merchant_unknown`` (404), ``merchants.not_staff`` or ``merchants.not_owner`` (403).
    """
    merchant = merchant_get(merchant_id=merchant_id)
    role = merchant_staff_role(user=user, merchant_id=merchant_id)
    if role is None:
        raise PermissionDenied(MerchantError.NOT_STAFF,
                               details={"merchant_id": merchant_id})
    if owner and role != MerchantStaff.Role.OWNER:
        raise PermissionDenied(MerchantError.NOT_OWNER,
                               details={"merchant_id": merchant_id})
    return merchant


def merchant_memberships(*, user) -> QuerySet[MerchantStaff]:
    """The merchants a user works for, with their role (我的店铺)."""
    return MerchantStaff.objects.filter(user=user).select_related("merchant").order_by("merchant_id")


def merchant_staff_list(*, merchant_id: int) -> QuerySet[MerchantStaff]:
    """A merchant's staff, owners first."""
    return (MerchantStaff.objects.filter(merchant_id=merchant_id).select_related("user")
            .order_by("role", "id"))  # "owner" sorts before "staff"


def merchant_application_list(*, status: str | None = None, applicant=None) -> QuerySet[MerchantApplication]:
    """Applications, newest first, optionally by status or applicant."""
    qs = MerchantApplication.objects.select_related("applicant", "reviewed_by")
    if status:
        qs = qs.filter(status=status)
    if applicant is not None:
        qs = qs.filter(applicant=applicant)
    return qs


def merchant_membership_current(*, user, wanted: int | None = None) -> tuple[MerchantStaff, list[MerchantStaff]]:
    """The membership the merchant portal acts under, and every membership of ``user`` (for the switcher).

    ``wanted`` is the merchant id the person chose (``?merchant=<id>`` or the one remembered in the session):
    it must be one they work for (``merchants.not_staff``, 403, otherwise). Without one, the first merchant
    they joined. ``merchants.not_staff`` too when they work for no merchant at all. One query.
    """
    memberships = list(merchant_memberships(user=user)) if getattr(user, "is_authenticated", False) else []
    if not memberships:
        raise PermissionDenied(MerchantError.NOT_STAFF, details={"merchant_id": wanted})
    if wanted is None:
        return memberships[0], memberships
    for membership in memberships:
        if membership.merchant_id == wanted:
            return membership, memberships
    raise PermissionDenied(MerchantError.NOT_STAFF, details={"merchant_id": wanted})
