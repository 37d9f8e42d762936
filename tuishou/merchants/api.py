"""API routes for merchants: apply, review (operators), my merchant, staff, suspension and fee rate."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from tuishou.accounts.models import OperatorRole
from tuishou.accounts.permissions import require_operator
from tuishou.core.api_roles import CONSUMER, FINANCE, MERCHANT_OWNER, MERCHANT_STAFF, OPS, allowed
from tuishou.merchants import selectors, services
from tuishou.merchants.schemas import (
    ApplicationIn,
    ApplicationOut,
    FeeRateIn,
    MembershipOut,
    MerchantOut,
    ReasonIn,
    StaffIn,
    StaffOut,
    StaffRoleIn,
)

router = Router(tags=["merchants"])


@router.post("/applications", response={201: ApplicationOut}, openapi_extra=allowed(CONSUMER))
def application_submit(request: HttpRequest, payload: ApplicationIn):
    """Apply to become a merchant (商家入驻)."""
    application = services.merchant_application_submit(applicant=request.user, **payload.dict())
    return Status(201, application)


@router.get("/applications/mine", response=list[ApplicationOut], openapi_extra=allowed(CONSUMER))
def application_mine(request: HttpRequest):
    """The signed-in user's own applications, newest first."""
    return list(selectors.merchant_application_list(applicant=request.user))


@router.get("/applications", response=list[ApplicationOut], openapi_extra=allowed(OPS))
def application_list(request: HttpRequest, status: str | None = None):
    """Applications for operators to review (ops role), newest first; filter by ``status``."""
    require_operator(request.user, OperatorRole.Role.OPS)
    return list(selectors.merchant_application_list(status=status)[:200])


@router.post("/applications/{application_id}/approve", response=ApplicationOut, openapi_extra=allowed(OPS))
def application_approve(request: HttpRequest, application_id: int):
    """Approve an application (ops): creates the merchant, the applicant becomes its owner."""
    return services.merchant_application_approve(actor=request.user, application_id=application_id)


@router.post("/applications/{application_id}/reject", response=ApplicationOut, openapi_extra=allowed(OPS))
def application_reject(request: HttpRequest, application_id: int, payload: ReasonIn):
    """Reject an application with a reason (ops)."""
    return services.merchant_application_reject(actor=request.user, application_id=application_id,
                                                reason=payload.reason)


@router.get("/mine", response=list[MembershipOut], openapi_extra=allowed(CONSUMER))
def my_merchants(request: HttpRequest):
    """The merchants the signed-in user works for, with their role (owner or staff)."""
    return list(selectors.merchant_memberships(user=request.user))


@router.get("/{merchant_id}/staff", response=list[StaffOut], openapi_extra=allowed(MERCHANT_STAFF))
def staff_list(request: HttpRequest, merchant_id: int):
    """The merchant's staff (visible to its staff)."""
    selectors.require_merchant_staff(user=request.user, merchant_id=merchant_id)
    return list(selectors.merchant_staff_list(merchant_id=merchant_id))


@router.post("/{merchant_id}/staff", response={201: StaffOut}, openapi_extra=allowed(MERCHANT_OWNER))
def staff_add(request: HttpRequest, merchant_id: int, payload: StaffIn):
    """The owner adds a registered user, by phone, as staff (or co-owner)."""
    member = services.merchant_staff_add(actor=request.user, merchant_id=merchant_id, phone=payload.phone,
                                         role=payload.role)
    return Status(201, member)


@router.put("/{merchant_id}/staff/{user_id}", response=StaffOut, openapi_extra=allowed(MERCHANT_OWNER))
def staff_role_set(request: HttpRequest, merchant_id: int, user_id: int, payload: StaffRoleIn):
    """The owner makes a member ``staff`` or ``owner``; the last owner stays an owner."""
    return services.merchant_staff_role_set(actor=request.user, merchant_id=merchant_id, user_id=user_id,
                                            role=payload.role)


@router.delete("/{merchant_id}/staff/{user_id}", response={204: None}, openapi_extra=allowed(MERCHANT_OWNER))
def staff_remove(request: HttpRequest, merchant_id: int, user_id: int):
    """The owner removes someone from the staff."""
    services.merchant_staff_remove(actor=request.user, merchant_id=merchant_id, user_id=user_id)
    return Status(204, None)


@router.post("/{merchant_id}/suspend", response=MerchantOut, openapi_extra=allowed(OPS))
def merchant_suspend(request: HttpRequest, merchant_id: int, payload: ReasonIn):
    """Suspend a merchant (ops); its products leave the shelf."""
    return services.merchant_suspend(actor=request.user, merchant_id=merchant_id, reason=payload.reason)


@router.post("/{merchant_id}/reactivate", response=MerchantOut, openapi_extra=allowed(OPS))
def merchant_reactivate(request: HttpRequest, merchant_id: int):
    """Lift a suspension (ops)."""
    return services.merchant_reactivate(actor=request.user, merchant_id=merchant_id)


@router.put("/{merchant_id}/fee-rate", response=MerchantOut, openapi_extra=allowed(OPS, FINANCE))
def merchant_fee_rate(request: HttpRequest, merchant_id: int, payload: FeeRateIn):
    """Set the merchant's platform fee rate, a fraction such as "0.0600" (ops or finance)."""
    return services.merchant_fee_rate_set(actor=request.user, merchant_id=merchant_id, fee_rate=payload.fee_rate,
                                          reason=payload.reason)
