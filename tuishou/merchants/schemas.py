"""API shapes for merchants. Rates go out as decimal strings ("0.0500")."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema

from tuishou.core.inputs import Reason, ReasonIn  # noqa: F401 (the routes' shape of a reason)


class ApplicationIn(Schema):
    business_name: str
    credit_code: str
    legal_representative: str
    contact_phone: str
    category: str
    description: str = ""


class ApplicationOut(Schema):
    id: int
    business_name: str
    credit_code: str
    legal_representative: str
    contact_phone: str
    category: str
    description: str
    status: str
    reject_reason: str
    applicant_id: int
    merchant_id: int | None
    created_at: datetime
    reviewed_at: datetime | None



class MerchantOut(Schema):
    id: int
    name: str
    status: str
    category: str
    fee_rate: str

    @staticmethod
    def resolve_fee_rate(obj) -> str:
        return str(obj.fee_rate)


class MembershipOut(Schema):
    role: str
    merchant: MerchantOut


class StaffIn(Schema):
    phone: str
    role: str = "staff"


class StaffRoleIn(Schema):
    role: str


class StaffOut(Schema):
    user_id: int
    display_name: str
    phone: str | None
    role: str

    @staticmethod
    def resolve_display_name(obj) -> str:
        return str(obj.user)

    @staticmethod
    def resolve_phone(obj) -> str | None:
        return obj.user.phone


class FeeRateIn(Schema):
    fee_rate: str
    reason: Reason = ""
