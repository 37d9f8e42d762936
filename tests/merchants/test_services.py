from decimal import Decimal

import pytest
from django.test import override_settings

from tests.catalog import factories as catalog_factories
from tests.merchants import factories
from tuishou.accounts.models import OperatorRole
from tuishou.catalog.models import Product, ProductStatusChange
from tuishou.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tuishou.merchants.credit_code import is_valid_credit_code
from tuishou.merchants.models import Merchant, MerchantApplication, MerchantPolicy, MerchantStaff
from tuishou.merchants.selectors import default_fee_rate
from tuishou.merchants.services import (
    merchant_application_approve,
    merchant_application_reject,
    merchant_application_submit,
    merchant_fee_rate_set,
    merchant_policy_update,
    merchant_reactivate,
    merchant_staff_add,
    merchant_staff_remove,
    merchant_suspend,
)
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db

APPLY = {"business_name": " 山野优品 ", "credit_code": "91330100716105852f", "legal_representative": "王山",
         "contact_phone": "138-0000-0010", "category": "生鲜", "description": "云南高山农产品"}


def test_credit_code_check_character_accepts_real_codes_and_refuses_a_typo():
    assert is_valid_credit_code("91330100716105852F")
    assert is_valid_credit_code("9144030071526726XG")
    assert not is_valid_credit_code("91330100716105852E")
    assert not is_valid_credit_code("9133010071610585")


def test_apply_stores_a_submitted_application_with_normalised_fields():
    applicant = factories.user()
    application = merchant_application_submit(applicant=applicant, **APPLY)
    assert (application.status, application.business_name, application.credit_code, application.contact_phone) == (
        "submitted", "山野优品", "91330100716105852F", "13800000010")
    assert application.applicant == applicant


@pytest.mark.parametrize(("field", "value", "code"), [
    ("credit_code", "91330100716105852E", "merchants.credit_code_invalid"),
    ("credit_code", "12345", "merchants.credit_code_invalid"),
    ("business_name", "   ", "merchants.field_required"),
    ("business_name", "x" * 121, "merchants.field_too_long"),
    ("contact_phone", "12345", "merchants.contact_phone_invalid"),
])
def test_bad_application_is_refused_and_nothing_is_written(field, value, code):
    with pytest.raises(InvalidInput) as err:
        merchant_application_submit(applicant=factories.user(), **{**APPLY, field: value})
    assert err.value.code == code
    assert err.value.details["field"] == field
    assert MerchantApplication.objects.count() == 0


def test_a_second_open_application_is_refused():
    applicant = factories.user()
    merchant_application_submit(applicant=applicant, **APPLY)
    with pytest.raises(Conflict) as err:
        merchant_application_submit(applicant=applicant, **{**APPLY, "credit_code": factories.credit_code()})
    assert err.value.code == "merchants.application_pending"
    assert MerchantApplication.objects.count() == 1


def test_approval_creates_the_merchant_with_the_default_fee_rate_and_makes_the_applicant_owner():
    ops = factories.operator()
    application = factories.application()
    approved = merchant_application_approve(actor=ops, application_id=application.pk)
    merchant = Merchant.objects.get()
    assert (approved.status, approved.reviewed_by, approved.merchant) == ("approved", ops, merchant)
    assert (merchant.name, merchant.status, merchant.fee_rate) == ("山野优品", "active", Decimal("0.0500"))
    assert list(MerchantStaff.objects.values_list("user_id", "role")) == [(application.applicant_id, "owner")]
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.target_id, entry.data) == (
        ops, "merchants.application_approved", str(application.pk), {"merchant_id": merchant.pk, "fee_rate": "0.0500"})


def test_the_operator_policy_sets_the_default_fee_rate_exactly():
    merchant_policy_update(actor=factories.operator(OperatorRole.Role.FINANCE), default_fee_rate="0.0625")
    merchant_application_approve(actor=factories.operator(), application_id=factories.application().pk)
    assert Merchant.objects.get().fee_rate == Decimal("0.0625")
    assert MerchantPolicy.objects.get().default_fee_rate == Decimal("0.0625")


@override_settings(TUISHOU={"DEFAULT_PLATFORM_FEE_RATE": "0.08"})
def test_without_a_policy_the_settings_default_applies():
    assert default_fee_rate() == Decimal("0.0800")


def test_reviewing_an_application_twice_is_a_conflict_and_changes_nothing():
    ops = factories.operator()
    application = factories.application()
    merchant_application_reject(actor=ops, application_id=application.pk, reason="营业执照模糊")
    with pytest.raises(Conflict) as err:
        merchant_application_approve(actor=ops, application_id=application.pk)
    assert (err.value.code, err.value.details) == ("merchants.application_already_reviewed", {"status": "rejected"})
    with pytest.raises(Conflict):
        merchant_application_reject(actor=ops, application_id=application.pk, reason="again")
    application.refresh_from_db()
    assert (application.status, application.reject_reason) == ("rejected", "营业执照模糊")
    assert Merchant.objects.count() == 0 and MerchantStaff.objects.count() == 0
    assert AuditEntry.objects.count() == 1


def test_reject_needs_a_reason():
    application = factories.application()
    with pytest.raises(InvalidInput) as err:
        merchant_application_reject(actor=factories.operator(), application_id=application.pk, reason=" ")
    assert err.value.code == "merchants.field_required"
    assert MerchantApplication.objects.get().status == "submitted"


def test_unknown_application_is_not_found():
    with pytest.raises(NotFound) as err:
        merchant_application_approve(actor=factories.operator(), application_id=999)
    assert err.value.code == "merchants.application_unknown"


def test_only_ops_operators_review():
    application = factories.application()
    for actor in (factories.user(), factories.operator(OperatorRole.Role.FINANCE)):
        with pytest.raises(PermissionDenied) as err:
            merchant_application_approve(actor=actor, application_id=application.pk)
        assert err.value.code == "auth.forbidden"
    assert Merchant.objects.count() == 0


def test_a_business_that_is_already_a_merchant_cannot_be_approved_again():
    existing = factories.merchant()
    application = factories.application(credit_code=existing.credit_code)
    with pytest.raises(Conflict) as err:
        merchant_application_approve(actor=factories.operator(), application_id=application.pk)
    assert err.value.code == "merchants.credit_code_taken"
    assert Merchant.objects.count() == 1
    assert MerchantApplication.objects.get().status == "submitted"


def test_owner_adds_staff_and_staff_cannot_add_more():
    shop = factories.merchant()
    owner = factories.owner_of(shop)
    clerk = factories.user(phone="13911112222")
    member = merchant_staff_add(actor=owner, merchant_id=shop.pk, phone="139 1111 2222")
    assert (member.user, member.role) == (clerk, "staff")
    factories.user(phone="13911113333")
    with pytest.raises(PermissionDenied) as err:
        merchant_staff_add(actor=clerk, merchant_id=shop.pk, phone="13911113333")
    assert err.value.code == "merchants.not_owner"
    with pytest.raises(Conflict) as err:
        merchant_staff_add(actor=owner, merchant_id=shop.pk, phone="13911112222")
    assert err.value.code == "merchants.staff_exists"
    assert MerchantStaff.objects.count() == 2


def test_staff_add_errors_for_unknown_merchant_and_unknown_user():
    shop = factories.merchant()
    with pytest.raises(NotFound) as err:
        merchant_staff_add(actor=factories.owner_of(shop), merchant_id=999, phone="13911112222")
    assert err.value.code == "merchants.merchant_unknown"
    with pytest.raises(NotFound) as err:
        merchant_staff_add(actor=factories.owner_of(shop), merchant_id=shop.pk, phone="13911112222")
    assert err.value.code == "merchants.user_unknown"
    assert MerchantStaff.objects.count() == 1


def test_the_last_owner_cannot_be_removed():
    shop = factories.merchant()
    owner = factories.owner_of(shop)
    with pytest.raises(Conflict) as err:
        merchant_staff_remove(actor=owner, merchant_id=shop.pk, user_id=owner.pk)
    assert err.value.code == "merchants.last_owner"
    assert MerchantStaff.objects.count() == 1


def test_suspending_a_merchant_takes_its_products_off_the_shelf_with_history():
    ops = factories.operator()
    shop = factories.merchant()
    listed = catalog_factories.on_shelf(merchant=shop)
    draft = catalog_factories.product(merchant=shop)
    other = catalog_factories.on_shelf(merchant=factories.merchant(name="别家"))
    merchant_suspend(actor=ops, merchant_id=shop.pk, reason="资质过期")
    assert Merchant.objects.get(pk=shop.pk).status == "suspended"
    statuses = dict(Product.objects.values_list("pk", "status"))
    assert statuses == {listed.pk: "off_shelf", draft.pk: "draft", other.pk: "on_shelf"}
    change = ProductStatusChange.objects.get()
    assert (change.product_id, change.event, change.actor, change.reason) == (
        listed.pk, "unshelve", ops, "merchant suspended: 资质过期")
    assert AuditEntry.objects.get().data == {"products_taken_off": 1}
    merchant_reactivate(actor=ops, merchant_id=shop.pk)
    assert Merchant.objects.get(pk=shop.pk).status == "active"


def test_fee_rate_is_kept_exactly_and_bad_rates_are_refused():
    shop = factories.merchant()
    finance = factories.operator(OperatorRole.Role.FINANCE)
    merchant_fee_rate_set(actor=finance, merchant_id=shop.pk, fee_rate="0.0375")
    assert Merchant.objects.get(pk=shop.pk).fee_rate == Decimal("0.0375")
    for bad, code in [("1.5", "merchants.fee_rate_out_of_range"), ("-0.01", "merchants.fee_rate_out_of_range"),
                      ("0.00001", "merchants.fee_rate_malformed"), ("abc", "merchants.fee_rate_malformed"),
                      (0.05, "merchants.fee_rate_malformed")]:
        with pytest.raises(InvalidInput) as err:
            merchant_fee_rate_set(actor=finance, merchant_id=shop.pk, fee_rate=bad)
        assert err.value.code == code
    assert Merchant.objects.get(pk=shop.pk).fee_rate == Decimal("0.0375")
    assert AuditEntry.objects.filter(action="merchants.fee_rate_set").count() == 1


def test_fee_rate_for_an_unknown_merchant_is_not_found():
    with pytest.raises(NotFound) as err:
        merchant_fee_rate_set(actor=factories.operator(), merchant_id=404, fee_rate="0.05")
    assert err.value.code == "merchants.merchant_unknown"


def test_owner_removes_a_clerk():
    shop = factories.merchant()
    clerk = factories.user(phone="13911112222")
    merchant_staff_add(actor=factories.owner_of(shop), merchant_id=shop.pk, phone="13911112222")
    merchant_staff_remove(actor=factories.owner_of(shop), merchant_id=shop.pk, user_id=clerk.pk)
    assert list(MerchantStaff.objects.values_list("role", flat=True)) == ["owner"]
