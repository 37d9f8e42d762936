"""Every input gets a clean answer (issue 12, items 13 and 14): oversize bodies, NUL characters and lone
surrogates, non-object JSON bodies, amounts not written plainly, numbers beyond a bigint, unknown paths, wrong
methods and malformed ids under /api/, anonymous writes: each a 4xx in the API's JSON error shape, never a 500."""

import json

import pytest

from tests.orders import factories as f
from tuishou.accounts.services import api_token_issue
from tuishou.core.errors import InvalidInput
from tuishou.core.money import parse_amount
from tuishou.stores.models import Store

pytestmark = pytest.mark.django_db


def _shape(answer, status: int, code: str) -> dict:
    assert answer.status_code == status, answer.content[:300]
    assert answer["Content-Type"] == "application/json; charset=utf-8"
    body = answer.json()
    assert body["code"] == code and body["message"]
    return body


@pytest.fixture
def promoter_token():
    promoter = f.invitee(f.root(), "小李")
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=promoter.user).token}"}


def test_a_body_over_the_upload_limit_is_413_in_the_error_shape(client, settings, promoter_token):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = _shape(client.patch("/api/v1/stores/me", {"title": "x" * 2000}, content_type="application/json",
                               **promoter_token), 413, "request.too_large")
    assert body["details"] == {"limit": 1000}


@pytest.mark.parametrize("body", ['"hello"', "[1, 2]", "42", "null"])
def test_a_body_that_is_not_a_json_object_is_refused_and_changes_nothing(client, promoter_token, body):
    before = list(Store.objects.values_list("title", flat=True))
    _shape(client.patch("/api/v1/stores/me", body, content_type="application/json", **promoter_token),
           400, "request.bad")
    assert list(Store.objects.values_list("title", flat=True)) == before


@pytest.mark.parametrize("title", ["a\u0000b", "\ud800", "ok\udfff"])
def test_nul_characters_and_lone_surrogates_in_a_body_are_refused(client, promoter_token, title):
    raw = json.dumps({"title": title})  # ensure_ascii: \\u0000 and \\ud800 travel as escapes, as an attacker sends
    _shape(client.patch("/api/v1/stores/me", raw, content_type="application/json", **promoter_token),
           400, "request.bad")


def test_a_nul_character_in_a_query_or_a_path_is_refused(client, promoter_token):
    _shape(client.get("/api/v1/catalog/products?q=tea%00", **promoter_token), 400, "request.bad")
    _shape(client.get("/api/v1/stores/s%00x", **promoter_token), 400, "request.bad")


def test_a_number_beyond_a_bigint_is_a_400_not_a_500(client):
    _shape(client.get(f"/api/v1/catalog/products?offset={2**70}"), 400, "request.bad")


@pytest.mark.parametrize("text", ["1e3", "1_000.00", "１０００", "NaN", "Infinity", "0x10", "10.", ".5", "1 0"])
def test_amounts_are_plain_decimal_strings_only(text):
    with pytest.raises(InvalidInput) as err:
        parse_amount(text)
    assert err.value.code == "money.malformed"


def test_plain_amounts_still_parse():
    assert [str(parse_amount(t)) for t in ("10", " 59.90 ", "0.5", "+3.00")] == ["10.00", "59.90", "0.50", "3.00"]


@pytest.mark.parametrize(("method", "path", "status", "code"), [
    ("get", "/api/v1/nowhere", 404, "not_found"),
    ("post", "/api/v1/orders/abc/cancel", 404, "not_found"),
    ("get", "/api/v1/catalog/products/abc", 422, "request.invalid"),
    ("delete", "/api/v1/auth/me", 405, "request.method_not_allowed"),
    ("put", "/api/v1/catalog/products", 405, "request.method_not_allowed"),
])
def test_unknown_paths_wrong_methods_and_malformed_ids_answer_in_the_error_shape(client, method, path, status, code):
    _shape(getattr(client, method)(path), status, code)


def test_an_anonymous_write_is_401_not_a_csrf_403():
    from django.test import Client

    anonymous = Client(enforce_csrf_checks=True)
    _shape(anonymous.post("/api/v1/orders/cart", {"sku_id": 1}, content_type="application/json"),
           401, "auth.required")


def test_a_signed_in_session_still_needs_its_csrf_token():
    from django.test import Client

    session = Client(enforce_csrf_checks=True)
    session.force_login(f.buyer())
    _shape(session.post("/api/v1/orders/cart", {"sku_id": 1}, content_type="application/json"),
           403, "request.forbidden")
