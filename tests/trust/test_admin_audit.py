"""The back office audits every write and guards the books (issue 12, item 5): an addition, a change, a deletion
and a bulk action each leave a ``risk.AuditEntry`` with the values before and after, granting superuser or staff
included, and money, volume, ledger, commission and audit rows cannot be deleted by anyone."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.utils import timezone

from tests.admin_forms import form_data
from tests.catalog import factories as catalog
from tests.merchants import factories as merchants
from tests.network import factories as network
from tuishou.accounts.services import user_create
from tuishou.incentives.models import VolumeEntry
from tuishou.risk.admin_site import AuditedAdminMixin, undeletable
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db

# The models whose rows may be deleted from the back office; every other registered model refuses it.
DELETABLE = {"accounts.apitoken", "auth.group", "axes.accessattempt", "axes.accessfailurelog", "axes.accesslog",
             "catalog.product", "catalog.sku", "django_tasks_database.dbtaskresult", "merchants.merchantapplication",
             "merchants.merchantpolicy", "merchants.merchantstaff", "network.community", "network.mentor",
             "network.mentorswitchrequest", "network.networkpolicy", "network.promoterapplication",
             "notifications.announcement", "accounts.user"}


def _make_superuser():
    from tuishou.accounts.models import User
    return User.objects.create_superuser(username="root", email="root@example.com", password="pw-123456!")


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_every_registered_admin_is_audited_and_only_the_listed_models_may_be_deleted():
    root = _make_superuser()
    request = _request(root)
    found = set()
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, AuditedAdminMixin), model._meta.label
        label = model._meta.label_lower
        may_delete = model_admin.has_delete_permission(request)
        if may_delete:
            found.add(label)
        if undeletable(model):
            assert not may_delete, label
            assert "delete_selected" not in model_admin.get_actions(request), label
    # Each model a superuser may delete is on the list (a new money model must not slip through), and the books'
    # models are not: the ledger, payments, commissions, withdrawals, volume, orders and the audit log.
    assert found <= DELETABLE, sorted(found - DELETABLE)
    for label in ("ledger.journalentry", "ledger.account", "payments.payment", "payments.refund",
                  "settlement.commission", "wallets.withdrawal", "wallets.payoutincident", "incentives.volumeentry",
                  "orders.order", "risk.auditentry", "network.rankrecord"):
        assert label not in found


def test_granting_superuser_and_staff_in_the_admin_is_audited_with_before_and_after():
    # given a person who is nobody in the back office
    root = _make_superuser()
    person = user_create(phone="13812345678", password=None, display_name="小张")
    client = Client()
    client.force_login(root)
    url = f"/admin/accounts/user/{person.pk}/change/"
    data = form_data(client.get(url))
    # when an administrator makes them staff and superuser, in a permission group
    group = Group.objects.create(name="客服")
    data.update(is_superuser="on", is_staff="on", groups=[str(group.pk)])
    assert client.post(url, data).status_code == 302
    # then one entry says who did it and what changed, before and after
    entry = AuditEntry.objects.get(action="admin.changed")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (root.pk, "accounts.user", str(person.pk))
    changed = {name: entry.data["changed"][name] for name in ("groups", "is_staff", "is_superuser")}
    assert changed == {"groups": {"before": [], "after": [group.pk]},
                                     "is_staff": {"before": False, "after": True},
                                     "is_superuser": {"before": False, "after": True}}
    assert entry.data["model"] == "accounts.user"


def test_an_addition_and_a_deletion_in_the_admin_are_audited_with_the_values():
    root = _make_superuser()
    client = Client()
    client.force_login(root)
    assert client.post("/admin/auth/group/add/", {"name": "审核组", "permissions": []}).status_code == 302
    group = Group.objects.get(name="审核组")
    added = AuditEntry.objects.get(action="admin.added")
    assert (added.target_id, added.data["after"]["name"]) == (str(group.pk), "审核组")
    assert client.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"}).status_code == 302
    deleted = AuditEntry.objects.get(action="admin.deleted")
    assert (deleted.actor_id, deleted.target_id, deleted.data["before"]["name"]) == (root.pk, str(group.pk), "审核组")
    assert not Group.objects.filter(pk=group.pk).exists()


def test_a_password_change_is_audited_without_the_hash():
    root = _make_superuser()
    person = user_create(phone="13812345678", password="old-secret-1", display_name="小张")
    client = Client()
    client.force_login(root)
    response = client.post(f"/admin/accounts/user/{person.pk}/password/",
                           {"password1": "N3w-long-passphrase", "password2": "N3w-long-passphrase",
                            "usable_password": "true"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="admin.changed")
    assert entry.data["changed"]["password"] == {"before": "(hidden)", "after": "(hidden)", "changed": True}
    assert "pbkdf2" not in str(entry.data)


def test_an_ops_operator_cannot_delete_volume_entries_nor_can_a_superuser():
    # given the volume behind ranks and pools, and an operator of the ops role
    promoter = network.root()
    entry = VolumeEntry.objects.create(promoter=promoter, base=Decimal("120.00"), occurred_at=timezone.now(),
                                       source_ref="order:1:paid")
    for user in (network.operator("ops"), _make_superuser()):
        client = Client()
        client.force_login(user)
        # the delete page refuses, and the bulk delete is not offered
        assert client.post(f"/admin/incentives/volumeentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
        response = client.post("/admin/incentives/volumeentry/", {"action": "delete_selected",
                                                                   "_selected_action": [entry.pk], "post": "yes"})
        assert response.status_code in (200, 302)
        assert VolumeEntry.objects.filter(pk=entry.pk).exists()
    assert not AuditEntry.objects.filter(action="admin.deleted").exists()


def test_a_bulk_action_is_audited_row_by_row_with_what_it_changed():
    # given two products waiting for review
    root = _make_superuser()
    shop = merchants.merchant()
    products = [catalog.product(merchant=shop, status="pending_review") for _ in range(2)]
    client = Client()
    client.force_login(root)
    # when an administrator approves both with the bulk action
    response = client.post("/admin/catalog/product/", {"action": "approve",
                                                       "_selected_action": [p.pk for p in products]})
    assert response.status_code == 302
    # then each row has its entry with the status before and after
    entries = AuditEntry.objects.filter(action="admin.action").order_by("target_id")
    assert [(e.target_id, e.data["action"], e.data["changed"]["status"]) for e in entries] == [
        (str(p.pk), "approve", {"before": "pending_review", "after": "approved"}) for p in products]


def test_a_bulk_deletion_is_audited_row_by_row():
    root = _make_superuser()
    groups = [Group.objects.create(name=name) for name in ("甲组", "乙组")]
    client = Client()
    client.force_login(root)
    response = client.post("/admin/auth/group/", {"action": "delete_selected", "post": "yes",
                                                  "_selected_action": [g.pk for g in groups]})
    assert response.status_code == 302
    logged = sorted(AuditEntry.objects.filter(action="admin.deleted").values_list("target_id", flat=True))
    assert logged == sorted(str(g.pk) for g in groups)
