"""Every input gets a clean answer (issue 12, items 13 and 14): oversize bodies, NUL characters and lone
surrogates, non-object JSON bodies, amounts not written plainly, numbers beyond a bigint, unknown paths, wrong
methods and malformed ids under /api/, anonymous writes: each a 4xx in the API's JSON error shape, never a 500."""

import json

import pytest

from tests.orders import factories as f
from tuishou.accounts.services import api_token_issue
from tuishou.core.errors import CoreError, InvalidInput
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


# ---- ids, amounts, texts, lengths, pictures (issue 12, item 13: the rest) -----------------------------------

def _bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user).token}"}


@pytest.mark.parametrize("sku_id", [True, 1.0, "1e0", "１", 0, -1])
def test_an_id_in_a_body_is_a_plain_integer(client, sku_id):
    from tuishou.orders.models import CartLine

    f.sku()  # a SKU exists: the refusal is of the spelling, not of an unknown id
    body = _shape(client.post("/api/v1/orders/cart", {"sku_id": sku_id}, content_type="application/json",
                              **_bearer(f.buyer())), 400, "request.id_invalid")
    assert body["details"] == {"field": "sku_id"}
    assert not CartLine.objects.exists()


def test_an_id_in_a_query_is_a_plain_integer(client):
    risk = _bearer(f.operator("risk"))
    _shape(client.get("/api/v1/risk/operator/flags?community_id=true", **risk), 400, "request.id_invalid")
    _shape(client.get("/api/v1/risk/operator/flags?community_id=%EF%BC%91", **risk), 400, "request.id_invalid")
    assert client.get("/api/v1/risk/operator/flags?community_id=1", **risk).status_code == 200


# transaction=True: on PostgreSQL the refused value fails its statement, as in production (autocommit); inside
# a test-wide transaction that would abort the transaction the after-test reconcile reads from.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("moment", ["2026-01-01T00:00:00+24:00", "2026-01-01T00:00:00-99:00",
                                    "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"])
def test_a_time_zone_offset_out_of_range_is_refused(client, moment):
    from urllib.parse import quote

    answer = client.get(f"/api/v1/settlement/commissions?due_before={quote(moment)}",
                        **_bearer(f.operator("finance")))
    assert answer.status_code in (400, 422), answer.content[:300]
    assert answer.json()["code"] in ("request.bad", "request.invalid")


def test_a_share_code_longer_than_its_column_is_refused_and_nothing_is_held(client):
    from tuishou.orders.models import CartLine

    sku = f.sku()
    body = _shape(client.post("/api/v1/orders/cart", {"sku_id": sku.pk, "share_code": "s" * 33},
                              content_type="application/json", **_bearer(f.buyer())), 422, "request.invalid")
    assert body["details"]["errors"][0]["field"] == "share_code"
    assert not CartLine.objects.exists()


def test_a_five_thousand_character_return_url_is_refused_and_no_payment_starts(client):
    from tuishou.payments.models import Payment

    buyer = f.buyer()
    checkout = f.checkout(buyer, [(f.sku(), 1)])
    _shape(client.post(f"/api/v1/orders/checkouts/{checkout.pk}/pay",
                       {"return_url": "http://testserver/" + "a" * 5000}, content_type="application/json",
                       **_bearer(buyer)), 400, "payments.return_url_invalid")
    assert not Payment.objects.exists()


def _bomb_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A PNG whose header promises ``width`` × ``height`` pixels (900 million): a few dozen bytes that would
    unpack to gigabytes."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


@pytest.mark.parametrize("size", [(30_000, 30_000), (10_000, 9_000), (7_000, 7_000)])
def test_a_decompression_bomb_is_refused_by_the_shared_image_check(size):
    import io

    from tuishou.core.images import image_format

    with pytest.raises(InvalidInput) as err:
        image_format(io.BytesIO(_bomb_png(*size)), formats={"PNG"},
                     refusal=InvalidInput(CoreError.REQUEST_BAD, problem="picture"))
    assert err.value.code == "request.bad"


def test_a_decompression_bomb_uploaded_to_the_catalog_is_refused_and_nothing_is_stored(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tuishou.catalog.models import ProductImage

    sku = f.sku(status="draft")
    upload = SimpleUploadedFile("bomb.png", _bomb_png(), content_type="image/png")
    _shape(client.post(f"/api/v1/catalog/products/{sku.product_id}/images", {"image": upload},
                       **_bearer(f.owner(sku.product.merchant))), 400, "catalog.image_invalid")
    assert not ProductImage.objects.exists()


@pytest.mark.parametrize("pool", ["1e3", "1_000.00", "１０００", 1000.0, True])
def test_an_amount_through_the_api_is_a_plain_decimal_string(client, pool):
    from tuishou.community.models_rewards import RewardPeriod

    body = {"title": "月度素材奖", "starts_on": "2026-01-01", "ends_on": "2026-01-31", "pool": pool}
    _shape(client.post("/api/v1/community/rewards/periods", body, content_type="application/json",
                       **_bearer(f.operator("ops"))), 400, "request.decimal_malformed")
    assert not RewardPeriod.objects.exists()


@pytest.mark.parametrize(("reason", "code"), [
    ("stop\u202egnp.exe", "request.text_unsafe"), ("a\u2066b", "request.text_unsafe"),
    ("bell\u0007", "request.text_unsafe"), ("r" * 1001, "request.text_too_long")])
def test_an_operators_reason_is_bounded_and_plain(client, reason, code):
    from tests.network import factories as nf
    from tuishou.network.models import Promoter

    promoter = nf.root()
    _shape(client.post(f"/api/v1/network/operator/promoters/{promoter.pk}/freeze", {"reason": reason},
                       content_type="application/json", **_bearer(f.operator("ops"))), 400, code)
    assert Promoter.objects.get(pk=promoter.pk).frozen_at is None


def test_a_reason_may_run_over_lines_and_a_title_may_not(client):
    from tuishou.core.inputs import text_check

    assert text_check("第一行\n第二行\t完", field="reason", max_length=500, multiline=True) == "第一行\n第二行\t完"
    with pytest.raises(InvalidInput) as err:
        text_check("标题\n第二行", field="title", max_length=100)
    assert (err.value.code, err.value.details) == ("request.text_unsafe", {"field": "title"})


def test_a_product_title_with_a_direction_override_is_refused_and_nothing_is_created(client):
    from tuishou.catalog.models import Product

    merchant = f.shop()
    before = Product.objects.count()
    _shape(client.post("/api/v1/catalog/products", {"merchant_id": merchant.pk, "title": "蜂蜜\u202e",
                                                     "category": "食品"},
                       content_type="application/json", **_bearer(f.owner(merchant))), 400, "request.text_unsafe")
    assert Product.objects.count() == before
