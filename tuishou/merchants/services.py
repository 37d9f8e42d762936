"""Writes for merchants: apply (入驻申请), review, staff, suspension and the platform fee rate."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from tuishou.accounts.models import OperatorRole, User
from tuishou.accounts.permissions import require_operator, require_user
from tuishou.accounts.services import normalize_phone
from tuishou.core.errors import Conflict, InvalidInput, NotFound
from tuishou.merchants.credit_code import is_valid_credit_code, normalize_credit_code
from tuishou.merchants.events import MerchantSuspended, merchant_suspended_notify
from tuishou.merchants.models import Merchant, MerchantApplication, MerchantPolicy, MerchantStaff
from tuishou.merchants.rates import parse_rate
from tuishou.merchants.selectors import default_fee_rate, merchant_get, require_merchant_staff
from tuishou.risk.services import audit_record

OPS = OperatorRole.Role.OPS
FINANCE = OperatorRole.Role.FINANCE


def clean_text(value: str | None, *, field: str, max_length: int, required: bool = True, app: str) -> str:
    """Strip a text field; raise ``<app>.field_required`` / ``<app>.field_too_long`` naming the field."""
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"{app}.field_required", f"{field} is required.", details={"field": field})
    if len(text) > max_length:
        raise InvalidInput(f"{app}.field_too_long", f"{field} is longer than {max_length} characters.",
                           details={"field": field, "max_length": max_length})
    return text


def _credit_code(raw: str) -> str:
    code = normalize_credit_code(raw)
    if not is_valid_credit_code(code):
        raise InvalidInput("merchants.credit_code_invalid",
                           f"{raw!r} is not a valid unified social credit code (统一社会信用代码).",
                           details={"field": "credit_code"})
    return code


def _contact_phone(raw: str) -> str:
    try:
        return normalize_phone(raw)
    except InvalidInput:
        raise InvalidInput("merchants.contact_phone_invalid", f"{raw!r} is not a mobile phone number.",
                           details={"field": "contact_phone"}) from None


def _credit_code_free(code: str) -> None:
    if Merchant.objects.filter(credit_code=code).exists():
        raise Conflict("merchants.credit_code_taken", "A merchant with this credit code already exists.",
                       details={"field": "credit_code"})


def merchant_application_submit(*, applicant: User, business_name: str, credit_code: str,
                                legal_representative: str, contact_phone: str, category: str,
                                description: str = "") -> MerchantApplication:
    """A user applies to become a merchant (商家入驻). One open application per applicant at a time."""
    require_user(applicant)
    fields = {
        "business_name": clean_text(business_name, field="business_name", max_length=120, app="merchants"),
        "credit_code": _credit_code(credit_code),
        "legal_representative": clean_text(legal_representative, field="legal_representative", max_length=60,
                                           app="merchants"),
        "contact_phone": _contact_phone(contact_phone),
        "category": clean_text(category, field="category", max_length=60, app="merchants"),
        "description": clean_text(description, field="description", max_length=4000, required=False,
                                  app="merchants"),
    }
    _credit_code_free(fields["credit_code"])
    with transaction.atomic():
        if MerchantApplication.objects.filter(applicant=applicant,
                                              status=MerchantApplication.Status.SUBMITTED).exists():
            raise Conflict("merchants.application_pending",
                           "You already have an application waiting for review.")
        return MerchantApplication.objects.create(applicant=applicant, **fields)


def _claim_for_review(application_id: int, *, actor: User, **changes) -> MerchantApplication:
    """Move a submitted application on, once: the conditional update makes a second review a no-op we report."""
    now = timezone.now()
    moved = (MerchantApplication.objects
             .filter(pk=application_id, status=MerchantApplication.Status.SUBMITTED)
             .update(reviewed_by=actor, reviewed_at=now, **changes))
    if not moved:
        application = MerchantApplication.objects.filter(pk=application_id).first()
        if application is None:
            raise NotFound("merchants.application_unknown", f"There is no merchant application {application_id}.",
                           details={"application_id": application_id})
        raise Conflict("merchants.application_already_reviewed",
                       f"This application was already {application.status}.",
                       details={"status": application.status})
    return MerchantApplication.objects.get(pk=application_id)


def merchant_application_approve(*, actor: User, application_id: int) -> MerchantApplication:
    """An operator (ops) approves an application: the merchant is created with the default fee rate and the
    applicant becomes its owner."""
    require_operator(actor, OPS)
    with transaction.atomic():
        application = MerchantApplication.objects.select_for_update().filter(pk=application_id).first()
        if application is None:
            raise NotFound("merchants.application_unknown", f"There is no merchant application {application_id}.",
                           details={"application_id": application_id})
        if application.status != MerchantApplication.Status.SUBMITTED:
            raise Conflict("merchants.application_already_reviewed",
                           f"This application was already {application.status}.",
                           details={"status": application.status})
        _credit_code_free(application.credit_code)
        try:
            with transaction.atomic():
                merchant = Merchant.objects.create(
                    name=application.business_name, credit_code=application.credit_code,
                    legal_representative=application.legal_representative, contact_phone=application.contact_phone,
                    category=application.category, description=application.description,
                    fee_rate=default_fee_rate())
        except IntegrityError:  # another approval of the same business won the race
            raise Conflict("merchants.credit_code_taken", "A merchant with this credit code already exists.",
                           details={"field": "credit_code"}) from None
        MerchantStaff.objects.create(merchant=merchant, user=application.applicant, role=MerchantStaff.Role.OWNER)
        application = _claim_for_review(application_id, actor=actor, status=MerchantApplication.Status.APPROVED,
                                        merchant=merchant)
        audit_record(actor=actor, action="merchants.application_approved", target=application,
                     data={"merchant_id": merchant.pk, "fee_rate": str(merchant.fee_rate)})
    return application


def merchant_application_reject(*, actor: User, application_id: int, reason: str) -> MerchantApplication:
    """An operator (ops) rejects an application, with a reason the applicant sees."""
    require_operator(actor, OPS)
    reason = clean_text(reason, field="reason", max_length=2000, app="merchants")
    with transaction.atomic():
        application = _claim_for_review(application_id, actor=actor, status=MerchantApplication.Status.REJECTED,
                                        reject_reason=reason)
        audit_record(actor=actor, action="merchants.application_rejected", target=application, reason=reason)
    return application


def merchant_staff_add(*, actor: User, merchant_id: int, phone: str,
                       role: str = MerchantStaff.Role.STAFF) -> MerchantStaff:
    """The merchant's owner adds a registered user (by phone) as staff or co-owner."""
    require_user(actor)
    merchant = require_merchant_staff(user=actor, merchant_id=merchant_id, owner=True)
    if role not in MerchantStaff.Role.values:
        raise InvalidInput("merchants.staff_role_unknown", f"Unknown staff role {role!r}.", details={"field": "role"})
    user = User.objects.filter(phone=normalize_phone(phone)).first()
    if user is None:
        raise NotFound("merchants.user_unknown", "Nobody is registered with this phone number.",
                       details={"field": "phone"})
    with transaction.atomic():
        if MerchantStaff.objects.filter(merchant=merchant, user=user).exists():
            raise Conflict("merchants.staff_exists", "This person already works for the merchant.")
        return MerchantStaff.objects.create(merchant=merchant, user=user, role=role)


def merchant_staff_remove(*, actor: User, merchant_id: int, user_id: int) -> None:
    """The owner removes someone from the merchant's staff; the last owner cannot be removed."""
    require_user(actor)
    merchant = require_merchant_staff(user=actor, merchant_id=merchant_id, owner=True)
    with transaction.atomic():
        member = MerchantStaff.objects.filter(merchant=merchant, user_id=user_id).first()
        if member is None:
            raise NotFound("merchants.staff_unknown", "This person does not work for the merchant.")
        if (member.role == MerchantStaff.Role.OWNER
                and MerchantStaff.objects.filter(merchant=merchant, role=MerchantStaff.Role.OWNER).count() == 1):
            raise Conflict("merchants.last_owner", "A merchant keeps at least one owner.")
        member.delete()


MERCHANT_EDITABLE = ("name", "legal_representative", "contact_phone", "category", "description")


def merchant_update(*, actor: User, merchant_id: int, **fields: str) -> Merchant:
    """An operator corrects a merchant's details (``MERCHANT_EDITABLE``: name, legal representative, contact
    phone, category, description), audited as ``merchants.merchant_edited`` with the fields changed. Its
    credit code, status and fee rate change only through their own actions. Raises ``auth.forbidden``,
    ``merchants.field_unknown``, ``merchants.field_required`` / ``merchants.field_too_long``."""
    require_operator(actor, OPS)
    unknown = sorted(set(fields) - set(MERCHANT_EDITABLE))
    if unknown:
        raise InvalidInput("merchants.field_unknown", f"Not an editable merchant field: {', '.join(unknown)}.",
                           details={"fields": unknown})
    cleaned = {name: clean_text(value, field=name, max_length=Merchant._meta.get_field(name).max_length or 4000,
                                required=name != "description", app="merchants") for name, value in fields.items()}
    with transaction.atomic():
        merchant = Merchant.objects.select_for_update().get(pk=merchant_get(merchant_id=merchant_id).pk)
        changed = sorted(name for name, value in cleaned.items() if getattr(merchant, name) != value)
        for name in changed:
            setattr(merchant, name, cleaned[name])
        if changed:
            merchant.save(update_fields=changed)
            audit_record(actor=actor, action="merchants.merchant_edited", target=merchant, data={"fields": changed})
    return merchant


def merchant_suspend(*, actor: User, merchant_id: int, reason: str) -> Merchant:
    """An operator suspends a merchant; every product of it on the shelf is taken off (下架) by the catalog,
    told through ``merchants.events`` in the same transaction (catalog builds on merchants, not the reverse)."""
    require_operator(actor, OPS)
    reason = clean_text(reason, field="reason", max_length=2000, app="merchants")
    with transaction.atomic():
        merchant = merchant_get(merchant_id=merchant_id)
        if merchant.status == Merchant.Status.SUSPENDED:
            raise Conflict("merchants.already_suspended", "This merchant is already suspended.")
        merchant.status = Merchant.Status.SUSPENDED
        merchant.suspend_reason = reason
        merchant.save(update_fields=["status", "suspend_reason"])
        done = merchant_suspended_notify(MerchantSuspended(merchant=merchant, actor=actor, reason=reason))
        audit_record(actor=actor, action="merchants.merchant_suspended", target=merchant, reason=reason, data=done)
    return merchant


def merchant_reactivate(*, actor: User, merchant_id: int) -> Merchant:
    """An operator lifts a suspension; the merchant puts its products back on the shelf itself."""
    require_operator(actor, OPS)
    with transaction.atomic():
        merchant = merchant_get(merchant_id=merchant_id)
        if merchant.status == Merchant.Status.ACTIVE:
            raise Conflict("merchants.already_active", "This merchant is not suspended.")
        merchant.status = Merchant.Status.ACTIVE
        merchant.suspend_reason = ""
        merchant.save(update_fields=["status", "suspend_reason"])
        audit_record(actor=actor, action="merchants.merchant_reactivated", target=merchant)
    return merchant


def merchant_fee_rate_set(*, actor: User, merchant_id: int, fee_rate: Decimal | str, reason: str = "") -> Merchant:
    """An operator (ops or finance) sets a merchant's platform fee rate (平台服务费率), a fraction 0–1."""
    require_operator(actor, OPS, FINANCE)
    rate = parse_rate(fee_rate, field="fee_rate", code="merchants.fee_rate")
    with transaction.atomic():
        merchant = merchant_get(merchant_id=merchant_id)
        old = merchant.fee_rate
        merchant.fee_rate = rate
        merchant.save(update_fields=["fee_rate"])
        audit_record(actor=actor, action="merchants.fee_rate_set", target=merchant, reason=reason,
                     data={"from": str(old), "to": str(rate)})
    return merchant


def merchant_policy_update(*, actor: User, default_fee_rate: Decimal | str) -> MerchantPolicy:
    """An operator (ops or finance) sets the fee rate newly approved merchants get."""
    require_operator(actor, OPS, FINANCE)
    rate = parse_rate(default_fee_rate, field="default_fee_rate", code="merchants.fee_rate")
    with transaction.atomic():
        policy, _ = MerchantPolicy.objects.update_or_create(pk=1, defaults={"default_fee_rate": rate})
        audit_record(actor=actor, action="merchants.policy_updated", target=policy,
                     data={"default_fee_rate": str(rate)})
    return policy
