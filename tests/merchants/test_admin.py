import pytest

from tests.admin_forms import form_data
from tests.merchants import factories
from tuishou.merchants.models import Merchant, MerchantApplication, MerchantPolicy
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db
# The services' own audit entries (the back office adds its admin.* entries of every write beside them).
SERVICE_AUDIT = AuditEntry.objects.exclude(action__startswith="admin.")


@pytest.mark.parametrize("url", [
    "/admin/merchants/merchantapplication/", "/admin/merchants/merchantapplication/?status__exact=submitted",
    "/admin/merchants/merchant/", "/admin/merchants/merchant/?status__exact=active&q=山野",
    "/admin/merchants/merchantstaff/", "/admin/merchants/merchantpolicy/", "/admin/merchants/merchantpolicy/add/",
])
def test_changelists_render_for_an_operator(admin_client, url):
    factories.application()
    factories.merchant()
    assert admin_client.get(url).status_code == 200


def test_merchant_change_page_renders(admin_client):
    shop = factories.merchant()
    assert admin_client.get(f"/admin/merchants/merchant/{shop.pk}/change/").status_code == 200


def test_approve_action_creates_the_merchant(admin_client):
    application = factories.application()
    resp = admin_client.post("/admin/merchants/merchantapplication/",
                             {"action": "approve", "_selected_action": [application.pk]})
    assert resp.status_code == 302
    assert MerchantApplication.objects.get().status == "approved"
    assert Merchant.objects.get().name == "山野优品"


def test_suspend_action_asks_for_a_reason(admin_client):
    shop = factories.merchant()
    admin_client.post("/admin/merchants/merchant/", {"action": "suspend", "_selected_action": [shop.pk],
                                                     "apply": "1", "reason": "资质过期"})
    assert Merchant.objects.get().status == "suspended"
    assert SERVICE_AUDIT.get().reason == "资质过期"


def test_policy_edit_goes_through_the_service_and_refuses_bad_rates(admin_client):
    resp = admin_client.post("/admin/merchants/merchantpolicy/add/", {"default_fee_rate": "1.5"})
    assert resp.status_code == 200 and MerchantPolicy.objects.count() == 0
    resp = admin_client.post("/admin/merchants/merchantpolicy/add/", {"default_fee_rate": "0.0450"})
    assert resp.status_code == 302
    assert str(MerchantPolicy.objects.get().default_fee_rate) == "0.0450"
    assert SERVICE_AUDIT.get().action == "merchants.policy_updated"


def test_editing_a_merchant_goes_through_the_service_and_is_audited(admin_client):
    shop = factories.merchant()
    url = f"/admin/merchants/merchant/{shop.pk}/change/"
    data = form_data(admin_client.get(url))
    data["category"] = "茶叶"

    assert admin_client.post(url, data).status_code == 302

    shop.refresh_from_db()
    assert shop.category == "茶叶"
    assert list(SERVICE_AUDIT.values_list("action", "data")) == [
        ("merchants.merchant_edited", {"fields": ["category"]})]


def test_a_blank_merchant_name_is_refused_beside_the_field_and_nothing_is_saved(admin_client):
    shop = factories.merchant()
    url = f"/admin/merchants/merchant/{shop.pk}/change/"
    data = form_data(admin_client.get(url))
    data["name"], data["category"] = "   ", "茶叶"

    response = admin_client.post(url, data)

    assert (response.status_code, response.context["adminform"].form.errors["name"]) == (
        200, ["这个字段是必填项。"])
    shop.refresh_from_db()
    assert shop.category != "茶叶"
    assert not SERVICE_AUDIT.exists()
