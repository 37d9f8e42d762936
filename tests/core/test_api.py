import pytest


@pytest.mark.django_db
def test_openapi_document_is_served(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["info"]["title"] == "Tuishou 推手 API"
    assert "/api/v1/auth/tokens" in doc["paths"]


@pytest.mark.django_db
def test_malformed_body_gets_a_400_with_a_stable_code_not_a_500(client):
    resp = client.post("/api/v1/auth/tokens", "{not json", content_type="application/json")
    assert resp.status_code == 400
    body = resp.json()
    assert body["code"] == "request.bad"
    assert body["message"] == "The request cannot be understood: Cannot parse request body"


@pytest.mark.django_db
def test_missing_field_names_the_field(client):
    resp = client.post("/api/v1/auth/tokens", {"login": "x"}, content_type="application/json")
    assert resp.status_code == 422
    body = resp.json()
    assert body["code"] == "request.invalid"
    assert body["details"]["errors"] == [{"field": "password", "problem": "Field required"}]


@pytest.mark.django_db
def test_unknown_api_path_is_a_404_not_a_500(client):
    resp = client.get("/api/v1/no/such/thing")
    assert resp.status_code == 404
