"""A list endpoint refuses a negative offset or a limit below 1 (``request.page_invalid``, 400, the field named in
``details``, the message in the request's language) instead of serving another page than the one asked for; a
limit above the endpoint's page size is still served as that many rows."""

from __future__ import annotations

import pytest

from tests.orders import factories as f
from tuishou.accounts.services import api_token_issue

pytestmark = pytest.mark.django_db


def _bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user).token}"}


@pytest.fixture
def promoter():
    return _bearer(f.invitee(f.root(), "小李").user)


@pytest.mark.parametrize(("path", "field", "value"), [
    ("/api/v1/settlement/commissions/mine?offset=-1", "offset", -1),
    ("/api/v1/settlement/commissions/mine?limit=0", "limit", 0),
    ("/api/v1/settlement/commissions/mine?limit=-20&offset=5", "limit", -20),
    ("/api/v1/coupons/items?offset=-40", "offset", -40),
    ("/api/v1/coupons/commissions?limit=-1", "limit", -1),
])
def test_a_negative_offset_or_limit_is_refused_with_its_field(client, promoter, path, field, value):
    answer = client.get(path, **promoter)
    assert answer.status_code == 400 and answer["Content-Type"] == "application/json; charset=utf-8"
    body = answer.json()
    assert body["code"] == "request.page_invalid" and body["details"] == {"field": field, "value": value}
    most = 200 if "settlement" in path else 100
    assert body["message"] == f"limit must be 1–{most} and offset at least 0."


def test_the_message_is_in_chinese_for_a_chinese_client(client, promoter):
    answer = client.get("/api/v1/settlement/commissions/mine?offset=-1", HTTP_ACCEPT_LANGUAGE="zh-hans", **promoter)
    assert answer.status_code == 400
    assert answer.json()["message"] == "limit 须在 1–200 之间，offset 不能小于 0。"


def test_an_operator_list_refuses_a_negative_offset_too(client):
    finance = _bearer(f.operator("finance"))
    for path in ("/api/v1/settlement/commissions?offset=-1", "/api/v1/settlement/receivables?offset=-1"):
        answer = client.get(path, **finance)
        assert (answer.status_code, answer.json()["code"]) == (400, "request.page_invalid")
        assert answer.json()["details"]["field"] == "offset"


def test_pages_within_the_bounds_are_served_and_a_large_limit_is_served_as_the_page_size(client, promoter):
    for path in ("/api/v1/settlement/commissions/mine?limit=1&offset=0",
                 "/api/v1/settlement/commissions/mine?limit=5000&offset=10", "/api/v1/coupons/items?limit=500"):
        assert client.get(path, **promoter).status_code == 200
