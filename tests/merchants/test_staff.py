"""The merchant's staff: the owner adds by phone, changes roles and removes, each audited; a merchant keeps an
owner; failed changes write nothing. And the merchant the portal acts for (memberships, switching)."""

from __future__ import annotations

import pytest

from tests.merchants import factories
from tuishou.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tuishou.merchants.models import MerchantStaff
from tuishou.merchants.selectors import merchant_membership_current
from tuishou.merchants.services import merchant_staff_add, merchant_staff_remove, merchant_staff_role_set
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db


def _audit() -> list[tuple]:
    return list(AuditEntry.objects.order_by("id").values_list("action", "target_id", "data"))


def test_owner_adds_promotes_demotes_and_removes_staff_each_audited():
    shop = factories.merchant()
    owner = factories.owner_of(shop)
    clerk = factories.user(phone="13911112222")
    merchant_staff_add(actor=owner, merchant_id=shop.pk, phone="13911112222")
    assert merchant_staff_role_set(actor=owner, merchant_id=shop.pk, user_id=clerk.pk, role="owner").role == "owner"
    assert merchant_staff_role_set(actor=owner, merchant_id=shop.pk, user_id=owner.pk, role="staff").role == "staff"
    merchant_staff_remove(actor=clerk, merchant_id=shop.pk, user_id=owner.pk)
    assert list(MerchantStaff.objects.values_list("user_id", "role")) == [(clerk.pk, "owner")]
    target = str(shop.pk)
    assert _audit() == [
        ("merchants.staff_added", target, {"user_id": clerk.pk, "role": "staff"}),
        ("merchants.staff_role_set", target, {"user_id": clerk.pk, "from": "staff", "to": "owner"}),
        ("merchants.staff_role_set", target, {"user_id": owner.pk, "from": "owner", "to": "staff"}),
        ("merchants.staff_removed", target, {"user_id": owner.pk, "role": "staff"}),
    ]
    actors = list(AuditEntry.objects.order_by("id").values_list("actor_id", flat=True))
    assert actors == [owner.pk, owner.pk, owner.pk, clerk.pk]


def test_setting_the_role_a_member_holds_writes_nothing():
    shop = factories.merchant()
    owner = factories.owner_of(shop)
    assert merchant_staff_role_set(actor=owner, merchant_id=shop.pk, user_id=owner.pk, role="owner").role == "owner"
    assert _audit() == []


@pytest.mark.parametrize(("role", "user_id", "error", "code"), [
    ("staff", "owner", Conflict, "merchants.last_owner"),
    ("boss", "owner", InvalidInput, "merchants.staff_role_unknown"),
    ("staff", 999_999, NotFound, "merchants.staff_unknown"),
])
def test_role_change_errors_write_nothing(role, user_id, error, code):
    shop = factories.merchant()
    owner = factories.owner_of(shop)
    with pytest.raises(error) as err:
        merchant_staff_role_set(actor=owner, merchant_id=shop.pk, user_id=owner.pk if user_id == "owner" else user_id,
                                role=role)
    assert err.value.code == code
    assert list(MerchantStaff.objects.values_list("user_id", "role")) == [(owner.pk, "owner")]
    assert _audit() == []


def test_staff_cannot_change_roles_or_remove_and_an_outsider_is_not_staff():
    shop = factories.merchant()
    owner = factories.owner_of(shop)
    clerk = factories.user(phone="13911112222")
    merchant_staff_add(actor=owner, merchant_id=shop.pk, phone="13911112222")
    with pytest.raises(PermissionDenied) as err:
        merchant_staff_role_set(actor=clerk, merchant_id=shop.pk, user_id=clerk.pk, role="owner")
    assert err.value.code == "merchants.not_owner"
    with pytest.raises(PermissionDenied) as err:
        merchant_staff_remove(actor=factories.user(), merchant_id=shop.pk, user_id=clerk.pk)
    assert err.value.code == "merchants.not_staff"
    assert MerchantStaff.objects.get(user=clerk).role == "staff"
    assert len(_audit()) == 1


def test_staff_add_bad_phone_and_existing_member_name_the_phone_field():
    shop = factories.merchant()
    owner = factories.owner_of(shop)
    with pytest.raises(InvalidInput) as err:
        merchant_staff_add(actor=owner, merchant_id=shop.pk, phone="12345")
    assert (err.value.code, err.value.details["field"]) == ("accounts.phone_invalid", "phone")
    with pytest.raises(Conflict) as err:
        merchant_staff_add(actor=owner, merchant_id=shop.pk, phone=owner.phone)
    assert (err.value.code, err.value.details["field"]) == ("merchants.staff_exists", "phone")
    assert MerchantStaff.objects.count() == 1 and _audit() == []


def test_the_current_membership_is_the_chosen_merchant_or_the_first_joined():
    first = factories.merchant(name="山野优品")
    person = factories.owner_of(first)
    second = factories.merchant(name="洁净家居")
    MerchantStaff.objects.create(merchant=second, user=person, role="staff")
    other = factories.merchant(name="别家")
    current, every = merchant_membership_current(user=person)
    assert (current.merchant, [m.merchant.name for m in every]) == (first, ["山野优品", "洁净家居"])
    current, _ = merchant_membership_current(user=person, wanted=second.pk)
    assert (current.merchant, current.role) == (second, "staff")
    with pytest.raises(PermissionDenied):
        merchant_membership_current(user=person, wanted=other.pk)
    with pytest.raises(PermissionDenied):
        merchant_membership_current(user=factories.user())


def test_api_changes_a_role_and_refuses_demoting_the_last_owner(client):
    shop = factories.merchant()
    owner = factories.owner_of(shop)
    clerk = factories.user(phone="13911112222", display_name="小李")
    merchant_staff_add(actor=owner, merchant_id=shop.pk, phone="13911112222")
    client.force_login(owner)
    resp = client.put(f"/api/v1/merchants/{shop.pk}/staff/{clerk.pk}", {"role": "owner"},
                      content_type="application/json")
    assert (resp.status_code, resp.json()) == (200, {"user_id": clerk.pk, "display_name": "小李",
                                                     "phone": "13911112222", "role": "owner"})
    client.force_login(clerk)
    client.delete(f"/api/v1/merchants/{shop.pk}/staff/{owner.pk}")
    resp = client.put(f"/api/v1/merchants/{shop.pk}/staff/{clerk.pk}", {"role": "staff"},
                      content_type="application/json")
    assert (resp.status_code, resp.json()) == (409, {"code": "merchants.last_owner",
                                                     "message": "A merchant keeps at least one owner."})
    assert list(MerchantStaff.objects.values_list("user_id", "role")) == [(clerk.pk, "owner")]
