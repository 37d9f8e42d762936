"""Operator roles are granted and revoked in the back office through the services: the permission group follows
the role and the change is audited."""

import pytest
from django.contrib.auth.models import Group

from tests.admin_forms import form_data, inline_row
from tuishou.accounts.models import OperatorRole
from tuishou.accounts.services import operator_role_grant, operator_role_revoke, user_create
from tuishou.core.errors import DomainError
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db


def _person(phone: str = "13812345678"):
    return user_create(phone=phone, password=None, display_name="小张")


def test_granting_a_role_on_the_users_page_adds_the_permission_group_and_an_audit_entry(admin_client):
    # given a user who is no operator
    person = _person()
    url = f"/admin/accounts/user/{person.pk}/change/"

    # when an administrator adds the finance role on their page
    response = admin_client.post(url, inline_row(form_data(admin_client.get(url)), "operator_roles", role="finance"))

    # then the role, its group and staff status come together, audited
    assert response.status_code == 302
    person.refresh_from_db()
    assert list(OperatorRole.objects.filter(user=person).values_list("role", flat=True)) == ["finance"]
    assert list(person.groups.values_list("name", flat=True)) == ["operator:finance"]
    assert person.is_staff
    assert list(AuditEntry.objects.filter(action__startswith="accounts.").values_list("action", "target_id",
                                                                                     "data")) == [
        ("accounts.operator_role_granted", str(person.pk), {"role": "finance"})]
    # and the back office's own entry of the change (issue 12: every admin write), with staff before and after
    change = AuditEntry.objects.get(action="admin.changed")
    assert change.data["changed"]["is_staff"] == {"before": False, "after": True}

    # and deleting the row revokes it the same way
    data = form_data(admin_client.get(url))
    data["operator_roles-0-DELETE"] = "on"
    assert admin_client.post(url, data).status_code == 302
    assert not OperatorRole.objects.filter(user=person).exists()
    assert not person.groups.exists()
    assert AuditEntry.objects.filter(action="accounts.operator_role_revoked").count() == 1


def test_only_an_administrator_grants_roles_and_a_refusal_writes_nothing():
    ops, person = _person("13800000001"), _person("13800000002")
    operator_role_grant(actor=None, user=ops, role="ops")
    audits = AuditEntry.objects.count()

    for call in (lambda: operator_role_grant(actor=ops, user=person, role="finance"),
                 lambda: operator_role_revoke(actor=ops, user=ops, role="ops")):
        with pytest.raises(DomainError) as refused:
            call()
        assert refused.value.code == "auth.forbidden"
    with pytest.raises(DomainError) as unknown:
        operator_role_grant(actor=None, user=person, role="king")
    assert unknown.value.code == "accounts.role_unknown"

    assert list(OperatorRole.objects.values_list("user_id", "role")) == [(ops.pk, "ops")]
    assert not Group.objects.filter(user=person).exists()
    assert AuditEntry.objects.count() == audits
