"""The API's contract (issue 12, item 14): every operation documents its 4xx answers with the one error shape,
no two schemas share a name, and every reference in the document resolves."""

import json

import pytest

from tuishou.api import api
from tuishou.api_openapi import error_statuses

ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


@pytest.fixture(scope="module")
def document():
    return api.get_openapi_schema(path_prefix="/api/v1/")


def _operations(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_no_two_schemas_share_a_name(document):
    assert document.clashes == []


def test_every_reference_resolves_to_a_schema(document):
    text = json.dumps(document)
    refs = {part.split('"')[0] for part in text.split('"$ref": "#/components/schemas/')[1:]}
    assert refs and refs <= set(document["components"]["schemas"])


def test_paying_a_checkout_is_documented_with_its_own_answer(document):
    answer = document["paths"]["/api/v1/orders/checkouts/{checkout_id}/pay"]["post"]["responses"][200]
    ref = answer["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/CheckoutPaymentOut"
    assert set(document["components"]["schemas"]["CheckoutPaymentOut"]["properties"]) == {
        "payment_id", "status", "amount", "pay_url"}
    assert "payable_type" in document["components"]["schemas"]["PaymentOut"]["properties"]


def test_every_operation_documents_its_refusals_with_the_error_shape(document):
    for path, method, operation in _operations(document):
        refusals = {int(status): answer for status, answer in operation["responses"].items()
                    if 400 <= int(status) < 500}
        assert (400 in refusals and 422 in refusals) or not (operation.get("parameters") or
                                                          operation.get("requestBody")), (method, path)
        for status, answer in refusals.items():
            assert answer["content"] == ERROR, (method, path, status)
        if operation.get("security"):
            assert {401, 403} <= set(refusals), (method, path)
        if operation.get("requestBody"):
            assert 413 in refusals, (method, path)
        assert "default" not in operation["responses"], (method, path)


def test_the_statuses_follow_from_what_an_operation_takes():
    anonymous_read = {"responses": {200: {}}}
    assert error_statuses("get", anonymous_read) == [400]
    signed_in_write = {"security": [{"BearerToken": []}], "parameters": [{"in": "path", "name": "order_id"}],
                       "requestBody": {"content": {"application/json": {"schema": {"properties": {"x": {}}}}}}}
    assert error_statuses("post", signed_in_write) == [400, 401, 403, 404, 409, 413, 422]
    by_id_in_body = {"requestBody": {"content": {"application/json": {"schema": {"properties": {"sku_id": {}}}}}}}
    assert error_statuses("post", by_id_in_body) == [400, 404, 413, 422]
    my_store = {"security": [{"BearerToken": []}]}
    assert error_statuses("get", my_store) == [400, 401, 403, 404]
    by_ref = {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/In"}}}}}
    assert error_statuses("post", by_ref, {"In": {"properties": {"merchant_id": {}}}}) == [400, 404, 413, 422]
    assert error_statuses("post", by_ref, {"In": {"properties": {"title": {}}}}) == [400, 413, 422]
    described = {"description": "Errors: 429 ``accounts.signup_throttled``."}
    assert error_statuses("post", described) == [400, 429]


@pytest.mark.django_db
def test_the_served_document_lists_the_refusals_too(client):
    doc = client.get("/api/v1/openapi.json").json()
    responses = doc["paths"]["/api/v1/auth/signup"]["post"]["responses"]
    assert set(responses) == {"201", "400", "404", "413", "422", "429"}
