"""Writes for merchants: apply (入驻申请), review, staff, suspension and the platform fee rate."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction

from tuishou.accounts.models import OperatorRole, User
from tuishou.accounts.permissions import require_operator, require_user
from tuishou.accounts.services import normalize_phone
from tuishou.core.errors import Conflict, ErrorCode, InvalidInput, NotFound
from tuishou.core.inputs import text_check
from tuishou.merchants.credit_code import is_valid_credit_code, normalize_credit_code
from tuishou.merchants.errors import MerchantError
from tuishou.merchants.events import MerchantSuspended, merchant_suspended_notify
from tuishou.merchants.models import Merchant, MerchantApplication, MerchantPolicy, MerchantStaff
from tuishou.merchants.rates import parse_rate
from tuishou.merchants.selectors import default_fee_rate, merchant_get, require_merchant_staff
from tuishou.merchants.transitions import application_transition, merchant_transition
from tuishou.risk.services import audit_record

OPS = OperatorRole.Role.OPS
FINANCE = OperatorRole.Role.FINANCE


def clean_text(value: str | None, *, field: str, max_length: int, required: bool = True,
               errors: type[ErrorCode]) -> str:
    """Strip a text field; raise the app's ``errors.FIELD_REQUIRED`` / ``errors.FIELD_TOO_LONG`` naming the field,
    and ``request.text_unsafe`` for a control character (but a line break or tab) or a bidirectional override."""
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(errors.FIELD_REQUIRED, field=field, details={"field": field})
    if len(text) > max_length:
        raise InvalidInput(errors.FIELD_TOO_LONG, field=field, max_length=max_length,
                           details={"field": field, "max_length": max_length})
    return text_check(text, field=field, max_length=max_length, multiline=True)


def _credit_code(raw: str) -> str:
    code = normalize_credit_code(raw)
    if not is_valid_credit_code(code):
        raise InvalidInput(MerchantError.CREDIT_CODE_INVALID, raw=raw,
                           details={"field": "credit_code"})
    return code


def _contact_phone(raw: str) -> str:
    try:
        return normalize_phone(raw)
    except InvalidInput:
        raise InvalidInput(MerchantError.CONTACT_PHONE_INVALID, raw=raw,
                           details={"field": "contact_phone"}) from None


def _credit_code_free(code: str) -> None:
    if Merchant.objects.filter(credit_code=code).exists():
        raise Conflict(MerchantError.CREDIT_CODE_TAKEN,
                       details={"field": "credit_code"})


def merchant_application_submit(*, applicant: User, business_name: str, credit_code: str,
                                legal_representative: str, contact_phone: str, category: str,
                                description: str = "") -> MerchantApplication:
    """A user applies to become a merchant (商家入驻). One open application per applicant at a time."""
    require_user(applicant)
    fields = {
        "business_name": clean_text(business_name, field="business_name", max_length=120, errors=MerchantError),
        "credit_code": _credit_code(credit_code),
        "legal_representative": clean_text(legal_representative, field="legal_representative", max_length=60,
                                           errors=MerchantError),
        "contact_phone": _contact_phone(contact_phone),
        "category": clean_text(category, field="category", max_length=60, errors=MerchantError),
        "description": clean_text(description, field="description", max_length=4000, required=False,
                                  errors=MerchantError),
    }
    _credit_code_free(fields["credit_code"])
    with transaction.atomic():
        if MerchantApplication.objects.filter(applicant=applicant,
                                              status=MerchantApplication.Status.SUBMITTED).exists():
            raise Conflict(MerchantError.APPLICATION_PENDING)
        return MerchantApplication.objects.create(applicant=applicant, **fields)


def _claim_for_review(application_id: int, *, actor: User, status: str, **changes) -> MerchantApplication:
    """Move a submitted application on, once: the conditional update makes a second review a no-op we report."""
    application = MerchantApplication.objects.filter(pk=application_id).first()
    moved = application is not None and application.status == MerchantApplication.Status.SUBMITTED
    if moved:
        try:
            application_transition(application=application, to=status, actor=actor, reviewed_by=actor, **changes)
        except Conflict:  # reviewed meanwhile: the conditional update lost
            moved = False
    if not moved:
        application = MerchantApplication.objects.filter(pk=application_id).first()
        if application is None:
            raise NotFound(MerchantError.APPLICATION_UNKNOWN, application_id=application_id,
                           details={"application_id": application_id})
        raise Conflict(MerchantError.APPLICATION_ALREADY_REVIEWED, status=application.status,
                       details={"status": application.status})
    return application


def merchant_application_approve(*, actor: User, application_id: int) -> MerchantApplication:
    """An operator (ops) approves an application: the merchant is created with the default fee rate and the
    applicant becomes its owner."""
    require_operator(actor, OPS)
    with transaction.atomic():
        application = MerchantApplication.objects.select_for_update().filter(pk=application_id).first()
        if application is None:
            raise NotFound(MerchantError.APPLICATION_UNKNOWN, application_id=application_id,
                           details={"application_id": application_id})
        if application.status != MerchantApplication.Status.SUBMITTED:
            raise Conflict(MerchantError.APPLICATION_ALREADY_REVIEWED, status=application.status,
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
            raise Conflict(MerchantError.CREDIT_CODE_TAKEN,
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
    reason = clean_text(reason, field="reason", max_length=2000, errors=MerchantError)
    with transaction.atomic():
        application = _claim_for_review(application_id, actor=actor, status=MerchantApplication.Status.REJECTED,
                                        reject_reason=reason)
        audit_record(actor=actor, action="merchants.application_rejected", target=application, reason=reason)
    return application


def _staff_role(role: str) -> str:
    if role not in MerchantStaff.Role.values:
        raise InvalidInput(MerchantError.STAFF_ROLE_UNKNOWN, role=role, details={"field": "role"})
    return role


def merchant_staff_add(*, actor: User, merchant_id: int, phone: str,
                       role: str = MerchantStaff.Role.STAFF) -> MerchantStaff:
    """The merchant's owner adds a registered user (by phone) as staff or co-owner (audited
    ``merchants.staff_added``)."""
    require_user(actor)
    merchant = require_merchant_staff(user=actor, merchant_id=merchant_id, owner=True)
    role = _staff_role(role)
    user = User.objects.filter(phone=normalize_phone(phone)).first()
    if user is None:
        raise NotFound(MerchantError.USER_UNKNOWN,
                       details={"field": "phone"})
    with transaction.atomic():
        if MerchantStaff.objects.filter(merchant=merchant, user=user).exists():
            raise Conflict(MerchantError.STAFF_EXISTS, details={"field": "phone"})
        try:
            with transaction.atomic():
                member = MerchantStaff.objects.create(merchant=merchant, user=user, role=role)
        except IntegrityError:  # added by another owner meanwhile
            raise Conflict(MerchantError.STAFF_EXISTS, details={"field": "phone"}) from None
        audit_record(actor=actor, action="merchants.staff_added", target=merchant,
                     data={"user_id": user.pk, "role": role})
    return member


def _member_for_change(merchant: Merchant, user_id: int) -> MerchantStaff:
    """The membership, locked with the merchant's owners (in pk order) so two owners demoting each other
    at once cannot leave the merchant without one."""
    list(MerchantStaff.objects.select_for_update().filter(merchant=merchant, role=MerchantStaff.Role.OWNER)
         .order_by("pk"))
    member = MerchantStaff.objects.select_for_update().filter(merchant=merchant, user_id=user_id).first()
    if member is None:
        raise NotFound(MerchantError.STAFF_UNKNOWN, details={"user_id": user_id})
    return member


def _keeps_an_owner(merchant: Merchant, member: MerchantStaff) -> None:
    if (member.role == MerchantStaff.Role.OWNER
            and MerchantStaff.objects.filter(merchant=merchant, role=MerchantStaff.Role.OWNER).count() == 1):
        raise Conflict(MerchantError.LAST_OWNER)


def merchant_staff_role_set(*, actor: User, merchant_id: int, user_id: int, role: str) -> MerchantStaff:
    """The owner makes a member staff or co-owner (audited ``merchants.staff_role_set``); the last owner stays
    an owner. Setting the role a member already holds changes nothing and writes nothing."""
    require_user(actor)
    merchant = require_merchant_staff(user=actor, merchant_id=merchant_id, owner=True)
    role = _staff_role(role)
    with transaction.atomic():
        member = _member_for_change(merchant, user_id)
        if member.role == role:
            return member
        if role != MerchantStaff.Role.OWNER:
            _keeps_an_owner(merchant, member)
        old, member.role = member.role, role
        member.save(update_fields=["role"])
        audit_record(actor=actor, action="merchants.staff_role_set", target=merchant,
                     data={"user_id": member.user_id, "from": old, "to": role})
    return member


def merchant_staff_remove(*, actor: User, merchant_id: int, user_id: int) -> None:
    """The owner removes someone from the merchant's staff (audited ``merchants.staff_removed``); the last
    owner cannot be removed."""
    require_user(actor)
    merchant = require_merchant_staff(user=actor, merchant_id=merchant_id, owner=True)
    with transaction.atomic():
        member = _member_for_change(merchant, user_id)
        _keeps_an_owner(merchant, member)
        member.delete()
        audit_record(actor=actor, action="merchants.staff_removed", target=merchant,
                     data={"user_id": user_id, "role": member.role})


MERCHANT_EDITABLE = ("name", "legal_representative", "contact_phone", "category", "description")


def merchant_update(*, actor: User, merchant_id: int, **fields: str) -> Merchant:
    """An operator corrects a merchant's details (``MERCHANT_EDITABLE``: name, legal representative, contact
    phone, category, description), audited as ``merchants.merchant_edited`` with the fields changed. Its
    credit code, status and fee rate change only through their own actions. Raises ``auth.forbidden``,
    ``merchants.field_unknown``, ``merchants.field_required`` / ``merchants.field_too_long``."""
    require_operator(actor, OPS)
    unknown = sorted(set(fields) - set(MERCHANT_EDITABLE))
    if unknown:
        raise InvalidInput(MerchantError.FIELD_UNKNOWN, fields=", ".join(unknown),
                           details={"fields": unknown})
    cleaned = {name: clean_text(value, field=name, max_length=Merchant._meta.get_field(name).max_length or 4000,
                                required=name != "description", errors=MerchantError) for name, value in fields.items()}
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
    reason = clean_text(reason, field="reason", max_length=2000, errors=MerchantError)
    with transaction.atomic():
        merchant = merchant_get(merchant_id=merchant_id)
        if merchant.status == Merchant.Status.SUSPENDED:
            raise Conflict(MerchantError.ALREADY_SUSPENDED)
        merchant_transition(merchant=merchant, to=Merchant.Status.SUSPENDED, actor=actor, reason=reason,
                            suspend_reason=reason)
        done = merchant_suspended_notify(MerchantSuspended(merchant=merchant, actor=actor, reason=reason))
        audit_record(actor=actor, action="merchants.merchant_suspended", target=merchant, reason=reason, data=done)
    return merchant


def merchant_reactivate(*, actor: User, merchant_id: int) -> Merchant:
    """An operator lifts a suspension; the merchant puts its products back on the shelf itself."""
    require_operator(actor, OPS)
    with transaction.atomic():
        merchant = merchant_get(merchant_id=merchant_id)
        if merchant.status == Merchant.Status.ACTIVE:
            raise Conflict(MerchantError.ALREADY_ACTIVE)
        merchant_transition(merchant=merchant, to=Merchant.Status.ACTIVE, actor=actor, reason="reactivated",
                            suspend_reason="")
        audit_record(actor=actor, action="merchants.merchant_reactivated", target=merchant)
    return merchant


def merchant_fee_rate_set(*, actor: User, merchant_id: int, fee_rate: Decimal | str, reason: str = "") -> Merchant:
    """An operator (ops or finance) sets a merchant's platform fee rate (平台服务费率), a fraction 0–1."""
    require_operator(actor, OPS, FINANCE)
    rate = parse_rate(fee_rate, field="fee_rate", malformed=MerchantError.FEE_RATE_MALFORMED,
                      out_of_range=MerchantError.FEE_RATE_OUT_OF_RANGE)
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
    rate = parse_rate(default_fee_rate, field="default_fee_rate", malformed=MerchantError.FEE_RATE_MALFORMED,
                      out_of_range=MerchantError.FEE_RATE_OUT_OF_RANGE)
    with transaction.atomic():
        policy, _ = MerchantPolicy.objects.update_or_create(pk=1, defaults={"default_fee_rate": rate})
        audit_record(actor=actor, action="merchants.policy_updated", target=policy,
                     data={"default_fee_rate": str(rate)})
    return policy
