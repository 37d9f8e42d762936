import pytest

from tests.merchants import factories
from tuishou.merchants.models import Merchant, MerchantApplication

pytestmark = pytest.mark.django_db

APPLY = {"business_name": "山野优品", "credit_code": "91330100716105852F", "legal_representative": "王山",
         "contact_phone": "13800000010", "category": "生鲜", "description": ""}


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def _without_times(body: dict) -> dict:
    return {k: v for k, v in body.items() if k not in ("created_at", "reviewed_at")}


def test_apply_review_and_my_merchant(client):
    applicant = factories.user()
    client.force_login(applicant)
    resp = _post(client, "/api/v1/merchants/applications", APPLY)
    assert resp.status_code == 201
    application = MerchantApplication.objects.get()
    assert _without_times(resp.json()) == {
        "id": application.pk, **APPLY, "status": "submitted", "reject_reason": "", "applicant_id": applicant.pk,
        "merchant_id": None}

    client.force_login(factories.operator())
    listed = client.get("/api/v1/merchants/applications?status=submitted").json()
    assert [a["id"] for a in listed] == [application.pk]
    approved = _post(client, f"/api/v1/merchants/applications/{application.pk}/approve")
    merchant = Merchant.objects.get()
    assert (approved.status_code, approved.json()["status"], approved.json()["merchant_id"]) == (
        200, "approved", merchant.pk)
    again = _post(client, f"/api/v1/merchants/applications/{application.pk}/approve")
    assert (again.status_code, again.json()) == (409, {
        "code": "merchants.application_already_reviewed", "message": "This application was already approved.",
        "details": {"status": "approved"}})

    client.force_login(applicant)
    assert client.get("/api/v1/merchants/mine").json() == [{
        "role": "owner",
        "merchant": {"id": merchant.pk, "name": "山野优品", "status": "active", "category": "生鲜",
                     "fee_rate": "0.0500"}}]


def test_bad_credit_code_gets_a_stable_code(client):
    client.force_login(factories.user())
    resp = _post(client, "/api/v1/merchants/applications", {**APPLY, "credit_code": "91330100716105852E"})
    assert (resp.status_code, resp.json()) == (400, {
        "code": "merchants.credit_code_invalid",
        "message": "'91330100716105852E' is not a valid unified social credit code (统一社会信用代码).",
        "details": {"field": "credit_code"}})
    assert MerchantApplication.objects.count() == 0


def test_a_promoter_cannot_list_or_review_applications(client):
    application = factories.application()
    client.force_login(factories.user())
    assert client.get("/api/v1/merchants/applications").json()["code"] == "auth.forbidden"
    resp = _post(client, f"/api/v1/merchants/applications/{application.pk}/reject", {"reason": "no"})
    assert (resp.status_code, resp.json()["code"]) == (403, "auth.forbidden")


def test_reviewing_an_unknown_application_is_a_404(client):
    client.force_login(factories.operator())
    resp = _post(client, "/api/v1/merchants/applications/999/approve")
    assert (resp.status_code, resp.json()) == (404, {
        "code": "merchants.application_unknown", "message": "There is no merchant application 999.",
        "details": {"application_id": 999}})


def test_anonymous_callers_must_sign_in(client):
    resp = _post(client, "/api/v1/merchants/applications", APPLY)
    assert (resp.status_code, resp.json()) == (401, {
        "code": "auth.required", "message": "Sign in or send a valid API token."})


def test_owner_adds_staff_and_operator_sets_the_fee_rate(client):
    shop = factories.merchant()
    clerk = factories.user(phone="13911112222", display_name="小李")
    client.force_login(factories.owner_of(shop))
    resp = _post(client, f"/api/v1/merchants/{shop.pk}/staff", {"phone": "13911112222"})
    assert (resp.status_code, resp.json()) == (201, {"user_id": clerk.pk, "display_name": "小李",
                                                     "phone": "13911112222", "role": "staff"})
    client.force_login(factories.operator())
    resp = client.put(f"/api/v1/merchants/{shop.pk}/fee-rate", {"fee_rate": "0.0600"},
                      content_type="application/json")
    assert resp.json()["fee_rate"] == "0.0600"
    resp = client.put(f"/api/v1/merchants/{shop.pk}/fee-rate", {"fee_rate": "2"}, content_type="application/json")
    assert (resp.status_code, resp.json()) == (400, {
        "code": "merchants.fee_rate_out_of_range", "message": "fee_rate: 2 is outside 0–1 (0.05 means 5%).",
        "details": {"field": "fee_rate"}})
    resp = client.put("/api/v1/merchants/999/fee-rate", {"fee_rate": "0.05"}, content_type="application/json")
    assert (resp.status_code, resp.json()["code"]) == (404, "merchants.merchant_unknown")
