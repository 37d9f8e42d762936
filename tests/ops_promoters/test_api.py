"""The operators' promoter API: search, one promoter's file, the actions; refusals in the one JSON error shape."""

from __future__ import annotations

import pytest

from tests.network import factories as nf
from tests.orders import factories as of
from tuishou.accounts.services import api_token_issue
from tuishou.network.models import Promoter
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db
BASE = "/api/v1/network/operator/promoters"


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user).token}"}


def test_search_filters_and_pages(client):
    ops = nf.operator("ops")
    ahua = nf.root(display_name="阿花")
    xiaoli = nf.invitee(ahua, "小李")
    nf.invitee(ahua, "王五")
    client.post(f"{BASE}/{xiaoli.pk}/freeze", {"reason": "刷单"}, content_type="application/json", **_auth(ops))

    by_name = client.get(BASE, {"q": "小李"}, **_auth(ops)).json()
    assert (by_name["count"], [p["id"] for p in by_name["items"]]) == (1, [xiaoli.pk])
    by_code = client.get(BASE, {"q": ahua.invite_code.lower()}, **_auth(ops)).json()
    assert [p["id"] for p in by_code["items"]] == [ahua.pk]
    by_phone = client.get(BASE, {"q": xiaoli.user.phone[:9]}, **_auth(ops)).json()
    assert xiaoli.pk in [p["id"] for p in by_phone["items"]]
    frozen = client.get(BASE, {"frozen": "yes"}, **_auth(ops)).json()
    assert [(p["id"], p["frozen"], p["frozen_reason"]) for p in frozen["items"]] == [(xiaoli.pk, True, "刷单")]
    paged = client.get(BASE, {"sort": "id", "limit": 2, "offset": 1}, **_auth(ops)).json()
    ids = sorted(Promoter.objects.values_list("id", flat=True))
    assert (paged["count"], [p["id"] for p in paged["items"]]) == (len(ids), ids[1:3])
    bad = client.get(BASE, {"sort": "password"}, **_auth(ops))
    assert (bad.status_code, bad.json()["code"]) == (422, "request.invalid")


def test_the_file_and_every_action_answer_the_updated_file(client):
    of.plan()
    ops = nf.operator("ops")
    root = nf.root(display_name="阿花")
    child = nf.invitee(root, "小李")
    nf.invitee(child, "王五")
    url = f"{BASE}/{child.pk}"

    file = client.get(url, **_auth(ops)).json()
    assert (file["sponsor_chain"], file["team_size"], file["direct_count"], file["audit"]) == (
        [root.pk], 1, 1, [])

    body = client.post(f"{url}/freeze", {"reason": "疑似刷单"}, content_type="application/json", **_auth(ops)).json()
    assert (body["frozen"], body["frozen_reason"], body["audit"][0]["action"]) == (
        True, "疑似刷单", "network.promoter_frozen")
    body = client.post(f"{url}/rank", {"rank": "shopkeeper", "reason": "特批"}, content_type="application/json",
                       **_auth(ops)).json()
    assert (body["rank"], body["rank_locked"]) == ("shopkeeper", True)
    body = client.post(f"{url}/invite-code", {"active": False, "reason": "外泄"}, content_type="application/json",
                       **_auth(ops)).json()
    assert body["invite_code_active"] is False
    body = client.post(f"{url}/rank/clear", {"reason": "到期"}, content_type="application/json",
                       **_auth(ops)).json()
    body = client.post(f"{url}/unfreeze", {"reason": "无误"}, content_type="application/json", **_auth(ops)).json()
    assert [(a["action"], a["reason"], a["actor"]) for a in body["audit"]] == [
        ("network.promoter_unfrozen", "无误", ops.phone), ("network.rank_override_cleared", "到期", ops.phone),
        ("network.invite_code_disabled", "外泄", ops.phone), ("network.rank_set", "特批", ops.phone),
        ("network.promoter_frozen", "疑似刷单", ops.phone)]


@pytest.mark.parametrize(("who", "path", "body", "status", "code"), [
    ("ops", "freeze", {"reason": ""}, 400, "network.action_reason_missing"),
    ("ops", "unfreeze", {"reason": "x"}, 409, "network.promoter_not_frozen"),
    ("ops", "rank", {"rank": "king", "reason": "x"}, 400, "incentives.rank_unknown"),
    ("ops", "rank/clear", {"reason": "x"}, 409, "network.rank_not_overridden"),
    ("ops", "invite-code", {"active": True, "reason": "x"}, 409, "network.invite_code_already_active"),
    ("finance", "freeze", {"reason": "x"}, 403, "auth.forbidden"),
    ("customer_service", "invite-code", {"active": False, "reason": "x"}, 403, "auth.forbidden"),
    ("ops", "freeze", {}, 422, "request.invalid"),
])
def test_refusals_answer_the_error_shape_and_write_nothing(client, who, path, body, status, code):
    of.plan()
    promoter = nf.root()
    answer = client.post(f"{BASE}/{promoter.pk}/{path}", body, content_type="application/json",
                         **_auth(nf.operator(who)))
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    row = Promoter.objects.get(pk=promoter.pk)
    assert (row.frozen_at, row.rank, row.rank_locked, row.invite_code_active) == (None, "", False, True)
    assert not AuditEntry.objects.filter(action__startswith="network.").exclude(
        action="network.root_created").exists()


def test_unknown_promoter_and_non_operators(client):
    ops = nf.operator("ops")
    missing = client.post(f"{BASE}/424242/freeze", {"reason": "x"}, content_type="application/json", **_auth(ops))
    assert (missing.status_code, missing.json()["code"]) == (404, "network.promoter_unknown")
    assert client.get(f"{BASE}/424242", **_auth(ops)).status_code == 404
    promoter = nf.root()
    assert client.get(BASE, **_auth(promoter.user)).json()["code"] == "auth.forbidden"
    assert client.get(BASE).status_code == 401
    viewer = client.get(f"{BASE}/{promoter.pk}", **_auth(nf.operator("finance")))
    assert viewer.status_code == 200
